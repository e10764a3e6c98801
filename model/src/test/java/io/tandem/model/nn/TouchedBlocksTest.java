package io.tandem.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TouchedBlocksTest {

  @Test
  void shouldReportMergedBlockRangesAndClearThem() {
    // Given a 100-entry array (blocks [0,32) [32,64) [64,96) [96,100)) with writes in blocks
    // 0, 1 and 3
    TouchedBlocks blocks = new TouchedBlocks(100);
    blocks.mark(5, 40);
    blocks.mark(99);

    // When drained twice
    List<int[]> first = new ArrayList<>();
    blocks.drain((from, to) -> first.add(new int[] {from, to}));
    List<int[]> second = new ArrayList<>();
    blocks.drain((from, to) -> second.add(new int[] {from, to}));

    // Then the first drain covers the written entries in two runs, the last clipped to 100
    assertThat(first).containsExactly(new int[] {0, 64}, new int[] {96, 100});
    assertThat(second).isEmpty();
  }

  @Test
  void linearBackwardShouldMarkOnlyRowsWithNonZeroUpstreamGradient() {
    // Given a 40-in, 2-out layer (rows [0,40) and [40,80), biases 80 and 81) and dy = (0, 1)
    Linear layer = new Linear(0, 40, 2);
    double[] p = new double[layer.end()];
    TouchedBlocks blocks = new TouchedBlocks(p.length);

    // When
    layer.backward(p, new double[40], 0, new double[] {0, 1}, 0, new double[p.length], 0,
        blocks, null, 0);

    // Then row 1 ([40, 80)) and bias 81 are marked: blocks 1 and 2; block 0 is not
    List<int[]> ranges = new ArrayList<>();
    blocks.drain((from, to) -> ranges.add(new int[] {from, to}));
    assertThat(ranges).containsExactly(new int[] {32, 82});
  }
}
