package io.presenter.loadtest.harness;

/**
 * A gateway the simulated clients connect to, with its weight for weighted choice.
 *
 * @param weight relative share of connections when the run chooses gateways by weight (0 = none)
 */
public record Gateway(String host, int port, double weight) {
  public Gateway {
    if (host.isBlank() || port < 1 || port > 65535 || !(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("a gateway is HOST:PORT with an optional =WEIGHT >= 0, not " + host + ":" + port + "=" + weight);
    }
  }

  /** {@code HOST:PORT} or {@code HOST:PORT=WEIGHT} (weight 1 if not given). */
  public static Gateway parse(String spec) {
    String s = spec.trim();
    double weight = 1;
    int eq = s.indexOf('=');
    try {
      if (eq >= 0) {
        weight = Double.parseDouble(s.substring(eq + 1).trim());
        s = s.substring(0, eq).trim();
      }
      int colon = s.lastIndexOf(':');
      return new Gateway(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)), weight);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("a gateway is HOST:PORT or HOST:PORT=WEIGHT, not " + spec);
    }
  }

  /** True if {@code spec} names a weight. */
  public static boolean hasWeight(String spec) {
    return spec.indexOf('=') >= 0;
  }

  public String address() {
    return host + ":" + port;
  }

  public Gateway withWeight(double w) {
    return new Gateway(host, port, w);
  }

  @Override
  public String toString() {
    return address() + "=" + weight;
  }
}
