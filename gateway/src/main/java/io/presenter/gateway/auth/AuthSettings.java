package io.presenter.gateway.auth;

/** Limits of the auth step, from the gateway config. */
public record AuthSettings(int maxFrameBytes, long timeoutMillis, long rerouteTimeoutMillis) {}
