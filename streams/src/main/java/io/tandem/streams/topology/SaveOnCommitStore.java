package io.tandem.streams.topology;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that runs its stream task's {@link BeforeCommitHooks before-commit action}
 * first whenever Kafka Streams flushes it for a commit, then flushes as usual.
 *
 * <p>Why a wrapper: Kafka Streams has no public "before commit" callback for processors, but every
 * commit (periodic, requested, on rebalance, on clean shutdown) first flushes the caches of the
 * task's stores ({@code StreamTask#flush} → {@code ProcessorStateManager#flushCache} →
 * {@link WrappedStateStore#flushCache()} of each registered store) and only then flushes the
 * producer and commits offsets (or the transaction). A value put during that flush therefore
 * reaches the changelog inside the commit it belongs to. This relies on
 * {@link WrappedStateStore}, an internal Kafka Streams class (stable through 3.x and 4.x); the
 * integration tests {@code ExactlyOnceRestartIT} and {@code GenerateRunEvaluateIT} fail if a
 * future version stops calling it before committing.
 *
 * <p>Which stores: only a cached store needs the wrapper. A write to an uncached logged store
 * goes to the changelog producer at once, so the action's writes to the uncached rows and log
 * stores land in the commit whichever store Kafka Streams flushes first, while a put into the
 * cached dense store must precede that store's own cache flush. Only the dense store is wrapped,
 * so the action runs exactly once per commit (which {@link CommitWriter}'s one-commit-late log
 * truncation relies on).
 *
 * <p>Thread-safety: like any store, used by its stream thread only.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class SaveOnCommitStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
    implements KeyValueStore<K, V> {

  private final BeforeCommitHooks hooks;
  private TaskId task;

  SaveOnCommitStore(KeyValueStore<K, V> inner, BeforeCommitHooks hooks) {
    super(inner);
    this.hooks = Objects.requireNonNull(hooks, "hooks");
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    task = context.taskId();
    super.init(context, root);
  }

  @Override
  public void flushCache() {
    if (task != null) {
      hooks.run(task);
    }
    super.flushCache();
  }

  @Override
  public void put(K key, V value) {
    wrapped().put(key, value);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    return wrapped().putIfAbsent(key, value);
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    wrapped().putAll(entries);
  }

  @Override
  public V delete(K key) {
    return wrapped().delete(key);
  }

  @Override
  public V get(K key) {
    return wrapped().get(key);
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    return wrapped().all();
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries();
  }

  /** Builds {@link SaveOnCommitStore}s around the stores of another builder. */
  static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {

    private final StoreBuilder<KeyValueStore<K, V>> inner;
    private final BeforeCommitHooks hooks;

    Builder(StoreBuilder<KeyValueStore<K, V>> inner, BeforeCommitHooks hooks) {
      this.inner = Objects.requireNonNull(inner, "inner");
      this.hooks = Objects.requireNonNull(hooks, "hooks");
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
      inner.withCachingEnabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
      inner.withCachingDisabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(
        Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
      return new SaveOnCommitStore<>(inner.build(), hooks);
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
