package io.presenter.chat.session;

import io.presenter.chat.couple.CoupleRegistry;
import io.presenter.chat.metrics.ChatMetrics;
import io.presenter.chat.ownership.Ownership;
import io.presenter.chat.store.MessageStore;
import io.presenter.runtime.token.TokenVerifier;
import java.util.concurrent.Executor;

/**
 * What a session handler needs, built once per server and shared by all sessions.
 *
 * @param blocking bounded executor for store reads and read-marker writes (never the event loop)
 */
public record ChatServices(
    SessionLimits limits,
    TokenVerifier tokens,
    Ownership ownership,
    CoupleRegistry couples,
    MessageStore store,
    Executor blocking,
    ChatMetrics metrics) {}
