package io.presenter.chat.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.List;

/**
 * The store's meters, all tagged {@code backend=h2|postgresql}; the Prometheus names they render
 * as are listed in {@link MessageStores} (and checked by a test). Removed from the registry when
 * the store closes.
 */
final class StoreMetrics {

  final Timer commit;
  final DistributionSummary batchSize;
  final Counter appended;
  final Counter duplicates;
  final Counter conflicts;
  final Counter overloaded;
  final Counter failures;
  private final MeterRegistry registry;
  private final List<Meter> meters;

  StoreMetrics(MeterRegistry registry, String backend, Collection<?> queue) {
    this.registry = registry;
    Tags tags = Tags.of("backend", backend);
    commit = Timer.builder("presenter.store.commit")
        .description("Latency of one group commit (one transaction)")
        .tags(tags)
        .publishPercentileHistogram()
        .register(registry);
    batchSize = DistributionSummary.builder("presenter.store.batch.size")
        .description("Messages per committed transaction")
        .tags(tags)
        .register(registry);
    appended = counter("presenter.store.appended", "Messages stored", tags);
    duplicates = counter("presenter.store.duplicates", "Resends answered with the original", tags);
    conflicts = counter("presenter.store.conflicts", "Appends failed: seq taken by another writer",
        tags);
    overloaded = counter("presenter.store.overloaded", "Appends refused: queue full", tags);
    failures = counter("presenter.store.failures", "Appends failed for other reasons", tags);
    Gauge queueDepth = Gauge.builder("presenter.store.queue.depth", queue, Collection::size)
        .description("Appends waiting for the committer")
        .tags(tags)
        .register(registry);
    meters = List.of(commit, batchSize, appended, duplicates, conflicts, overloaded, failures,
        queueDepth);
  }

  private Counter counter(String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  void remove() {
    meters.forEach(registry::remove);
  }
}
