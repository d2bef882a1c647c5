package io.presenter.runtime.token;

import java.time.Instant;

/**
 * A token whose signature, algorithm, times and claims were checked.
 *
 * @param deviceId the {@code dev} claim, null when absent
 * @param kid the key that signed the token
 */
public record VerifiedToken(
    String userId, String coupleId, String deviceId, Instant expiresAt, String kid) {
  /** Whether a session of {@code device} may use this token: any device unless it names one. */
  public boolean allowsDevice(String device) {
    return deviceId == null || deviceId.equals(device);
  }
}
