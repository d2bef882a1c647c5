package io.presenter.gateway.backend;

/** Backend connection tuning, from the gateway config's {@code backend} section. */
public record BackendSettings(
    long connectTimeoutMillis, long pingIntervalMillis, int maxMissedPings, long backoffMinMillis, long backoffMaxMillis) {}
