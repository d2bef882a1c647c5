/**
 * The chat server's durable message store.
 *
 * <p>{@link io.presenter.chat.store.MessageStore} is the contract (sequence numbers, resends,
 * durability, threading, failures); {@link io.presenter.chat.store.MessageStores} opens one from a
 * {@link io.presenter.chat.store.StoreConfig}: embedded H2 in a data dir (the default, nothing to
 * install) or PostgreSQL. Both share one JDBC implementation; what differs is in
 * {@code Dialect}.
 *
 * <p>Every table is keyed by couple first and no statement reads or writes more than one couple,
 * so the schema can be sharded by couple id later:
 * <pre>
 * messages       (couple_id, seq, sender_id, sender_device_id, client_message_id, kind, body,
 *                 timestamp_millis)
 *                PRIMARY KEY (couple_id, seq), UNIQUE (couple_id, sender_id, client_message_id)
 *                PostgreSQL: PARTITION BY HASH (couple_id), 16 partitions
 * read_markers   (couple_id, user_id, seq)   PRIMARY KEY (couple_id, user_id)
 * schema_version (version, description, applied_at_millis)   one row per applied migration
 * </pre>
 * The primary key on {@code (couple_id, seq)} is what makes two chat servers that both believe they
 * own a couple unable to commit the same sequence number. The only statements that span couples
 * are the group commits' transactions, which insert rows of several couples at once.
 */
package io.presenter.chat.store;
