package io.presenter.loadtest.bench;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code presenter bench} run does.
 *
 * @param caFile the CA certificate the client trusts (PEM)
 * @param keyFile the token key file; tokens for the simulated users are minted from it
 * @param host target host (a gateway, or a chat server's direct TLS port)
 * @param port target port
 * @param connections clients to connect and authenticate (two per couple)
 * @param concurrency connection attempts (handshake + auth) in flight at once
 * @param sources local addresses bound round-robin, so that many connections fit on loopback
 * @param resumeCount connections closed and reopened with TLS session resumption (0 = skip)
 * @param holdSeconds how long every connection stays idle before the relay phase
 * @param messagesPerSecond total relay send rate, open loop
 * @param relaySeconds how long the relay phase sends
 * @param relayCouples couples whose first client sends in the relay phase
 * @param threads client event loop threads
 * @param adminUrl the gateway's admin base URL, to read its handshake counters; null = none
 * @param cpuPids local server processes whose CPU time each phase reports (Linux /proc)
 * @param out where the JSON report goes; null = nowhere
 */
public record BenchOptions(
    Path caFile,
    Path keyFile,
    String host,
    int port,
    int connections,
    int concurrency,
    List<InetAddress> sources,
    int resumeCount,
    int holdSeconds,
    int messagesPerSecond,
    int relaySeconds,
    int relayCouples,
    int threads,
    String adminUrl,
    List<Long> cpuPids,
    Path out) {

  public BenchOptions {
    if (connections < 2 || connections % 2 != 0) {
      throw new IllegalArgumentException("connections must be even and at least 2 (two partners per couple)");
    }
    if (concurrency < 1 || threads < 1 || sources.isEmpty()) {
      throw new IllegalArgumentException("concurrency and threads must be positive, sources non-empty");
    }
    if (resumeCount < 0 || resumeCount > connections || relayCouples < 0 || relayCouples > connections / 2) {
      throw new IllegalArgumentException("resume count or relay couples out of range");
    }
    if (holdSeconds < 0 || messagesPerSecond < 0 || relaySeconds < 0) {
      throw new IllegalArgumentException("hold, rate and seconds must not be negative");
    }
    sources = List.copyOf(sources);
    cpuPids = List.copyOf(cpuPids);
  }
}
