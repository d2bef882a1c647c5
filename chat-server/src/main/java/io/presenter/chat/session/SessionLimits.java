package io.presenter.chat.session;

import java.time.Duration;

/**
 * The per-session limits a chat server enforces ({@code presenter.chat.limits} in the config).
 *
 * @param maxFrameBytes largest client frame accepted and announced in AuthOk
 * @param maxBodyBytes largest message body; a larger send is refused with BODY_TOO_LARGE
 * @param syncPageMax most messages in one SyncPage
 * @param maxPendingOutputBytes unsent output above which a session is ended as a slow reader
 * @param maxInFlightSends sends awaiting commit above which the session stops reading
 * @param typingTtl how long a typing state lasts unless renewed
 */
public record SessionLimits(
    int maxFrameBytes,
    int maxBodyBytes,
    int syncPageMax,
    int maxPendingOutputBytes,
    int maxInFlightSends,
    Duration typingTtl) {}
