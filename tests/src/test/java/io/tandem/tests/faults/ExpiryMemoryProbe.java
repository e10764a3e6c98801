package io.tandem.tests.faults;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.tandem.model.embedding.EmbeddingTable;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The child-JVM side of {@link TenMillionIdsMemoryIT}: streams {@code ids} distinct user ids, one
 * learned event each, through an {@link EmbeddingTable} as {@code MultiTaskModel} drives it (a
 * touch per event, the dirty rows drained after every micro-batch, a sweep of
 * {@link EmbeddingTable#expire} every span/8 events), and prints one line of results:
 * {@code ids=.. rows=.. pending=.. admissions=.. evictions=.. peakAfterGcBytes=.. majorGcs=..
 * peakPoolsBytes=.. maxHeapBytes=.. millis=..}.
 *
 * <p>{@code peakAfterGcBytes} is the largest heap occupancy right after a major (full) garbage
 * collection, from GC notifications: the peak of live data as the collector last saw it
 * ({@code majorGcs} says how many such samples there were).
 * {@code peakPoolsBytes} sums each heap pool's peak (an upper bound of the peak, garbage
 * included).
 *
 * <p>Arguments: ids, expiry span in events (0 = never expire), row width, batch size.
 */
final class ExpiryMemoryProbe {

  private ExpiryMemoryProbe() {}

  /** Runs the probe; see the class comment for the arguments and the output. */
  public static void main(String[] args) {
    long ids = Long.parseLong(args[0]);
    long span = Long.parseLong(args[1]);
    int dim = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    AtomicLong peakAfterGc = new AtomicLong();
    AtomicLong majorGcs = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
          GarbageCollectionNotificationInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          if (info.getGcAction().contains("major")) {
            long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                .mapToLong(MemoryUsage::getUsed).sum();
            peakAfterGc.accumulateAndGet(used, Math::max);
            majorGcs.incrementAndGet();
          }
        }
      }, null, null);
    }
    long start = System.nanoTime();
    EmbeddingTable table = new EmbeddingTable("user", dim, 1, 1, 0.1, 42L);
    long nextSweep = span;
    for (long event = 1; event <= ids; event++) {
      table.touch("user-" + event, event);
      if (event % batch == 0) {
        table.drainDirty();
      }
      if (span > 0 && event >= nextSweep) {
        table.expire(event, span);
        nextSweep = event + Math.max(1, span / 8);
      }
    }
    table.drainDirty();
    long peakPools = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakPools += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("ids=" + ids + " rows=" + table.rows() + " pending=" + table.pending()
        + " admissions=" + table.admissions() + " evictions=" + table.evictions()
        + " peakAfterGcBytes=" + peakAfterGc.get() + " majorGcs=" + majorGcs.get() + " peakPoolsBytes=" + peakPools
        + " maxHeapBytes=" + Runtime.getRuntime().maxMemory()
        + " millis=" + (System.nanoTime() - start) / 1_000_000);
  }
}
