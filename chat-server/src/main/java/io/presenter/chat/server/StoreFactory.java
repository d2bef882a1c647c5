package io.presenter.chat.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.presenter.chat.store.MessageStore;
import io.presenter.chat.store.MessageStores;
import io.presenter.chat.store.StoreConfig;
import java.nio.file.Path;

/** Opens the message store the config's {@code store} section describes. */
final class StoreFactory {
  private StoreFactory() {}

  static MessageStore open(ChatServerConfig.StoreSettings s, MeterRegistry meters) {
    StoreConfig config =
        switch (s.type()) {
          case "embedded" -> StoreConfig.embedded(Path.of(s.dataDir()));
          case "postgresql" -> StoreConfig.postgresql(s.jdbcUrl(), s.username(), s.password()).withPoolSize(s.poolSize());
          default -> throw new IllegalArgumentException("store.type must be embedded or postgresql, not " + s.type());
        };
    return MessageStores.open(config.withQueueCapacity(s.queueCapacity()), meters);
  }
}
