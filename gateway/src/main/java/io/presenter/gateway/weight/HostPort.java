package io.presenter.gateway.weight;

/** A {@code host:port} pair as written in the config; IPv6 literals in brackets ({@code [::1]:443}). */
public record HostPort(String host, int port) {

  /** Parses {@code host:port}, or just {@code host} when {@code defaultPort} is not negative. */
  public static HostPort parse(String text, int defaultPort) {
    String s = text.trim();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("bad address (no ']'): " + text);
      }
      host = s.substring(1, close);
      if (close + 1 < s.length()) {
        if (s.charAt(close + 1) != ':') {
          throw new IllegalArgumentException("bad address: " + text);
        }
        port = s.substring(close + 2);
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') != colon) {
        throw new IllegalArgumentException("IPv6 addresses go in brackets, [addr]:port: " + text);
      }
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("no host in address: " + text);
    }
    if (port == null) {
      if (defaultPort < 0) {
        throw new IllegalArgumentException("no port in address (host:port): " + text);
      }
      return new HostPort(host, defaultPort);
    }
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(host, p);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in address: " + text);
    }
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
