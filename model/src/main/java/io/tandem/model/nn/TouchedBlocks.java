package io.tandem.model.nn;

/**
 * Which blocks of {@value #BLOCK} consecutive entries of a gradient array have been written since
 * the last {@link #drain}. Layers mark the ranges their backward pass writes; the learner then
 * updates and clears only those ranges. At batch size 1 most of a network's gradient is zero
 * (inactive ReLU rows, the towers and gates of absent tasks), so this skips most of the optimizer
 * step and of the clearing. Not thread-safe.
 */
public final class TouchedBlocks {

  /** Entries per block. */
  public static final int BLOCK = 32;
  private static final int BITS = 5;

  private final int length;
  private final boolean[] touched;

  /** @param length length of the tracked array */
  public TouchedBlocks(int length) {
    this.length = length;
    this.touched = new boolean[(length + BLOCK - 1) / BLOCK];
  }

  /** Marks {@code [from, to)} as written. */
  public void mark(int from, int to) {
    for (int b = from >>> BITS, last = (to - 1) >>> BITS; b <= last; b++) {
      touched[b] = true;
    }
  }

  /** Marks one entry as written. */
  public void mark(int index) {
    touched[index >>> BITS] = true;
  }

  /** Receives one maximal run of touched entries. */
  @FunctionalInterface
  public interface RangeConsumer {
    /** Called with {@code [from, to)}. */
    void accept(int from, int to);
  }

  /** Reports every maximal run of touched blocks, in order, as entry ranges, and clears them. */
  public void drain(RangeConsumer consumer) {
    int b = 0;
    while (b < touched.length) {
      if (!touched[b]) {
        b++;
        continue;
      }
      int start = b;
      while (b < touched.length && touched[b]) {
        touched[b] = false;
        b++;
      }
      consumer.accept(start * BLOCK, Math.min(length, b * BLOCK));
    }
  }
}
