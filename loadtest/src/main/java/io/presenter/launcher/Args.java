package io.presenter.launcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --name value} options of one subcommand; unknown or repeated names are errors. */
final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flagsGiven = new HashSet<>();
  private final boolean help;

  Args(String[] args, int from, Set<String> allowed) {
    this(args, from, allowed, Set.of());
  }

  /** {@code flags}: options without a value ({@code --idle}). */
  Args(String[] args, int from, Set<String> allowed, Set<String> flags) {
    boolean wantsHelp = false;
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        wantsHelp = true;
        continue;
      }
      if (a.startsWith("--") && flags.contains(a.substring(2))) {
        if (!flagsGiven.add(a.substring(2))) {
          throw new UsageException(a + " given twice");
        }
        continue;
      }
      if (!a.startsWith("--") || !allowed.contains(a.substring(2))) {
        throw new UsageException("unknown option " + a);
      }
      if (i + 1 >= args.length) {
        throw new UsageException(a + " needs a value");
      }
      if (values.put(a.substring(2), args[++i]) != null) {
        throw new UsageException(a + " given twice");
      }
    }
    this.help = wantsHelp;
  }

  boolean help() {
    return help;
  }

  boolean flag(String name) {
    return flagsGiven.contains(name);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String require(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException("--" + name + " is required");
    }
    return v;
  }

  int getInt(String name, int fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, not " + v);
    }
  }

  /**
   * Addresses from a list and/or IPv4 ranges: {@code 127.0.0.1,127.0.0.2} or {@code
   * 127.0.0.1-127.0.0.8} or both mixed ({@code 127.0.0.1-127.0.0.4,127.0.0.9}); at most 256 per range.
   */
  static List<InetAddress> addresses(String option, String spec) {
    List<InetAddress> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      int dash = p.indexOf('-');
      try {
        if (dash < 0) {
          out.add(InetAddress.getByName(p));
          continue;
        }
        byte[] from = InetAddress.getByName(p.substring(0, dash).trim()).getAddress();
        byte[] to = InetAddress.getByName(p.substring(dash + 1).trim()).getAddress();
        long a = ipv4(from);
        long b = ipv4(to);
        if (from.length != 4 || to.length != 4 || b < a || b - a >= 256) {
          throw new UsageException("--" + option + ": a range is FIRST-LAST of at most 256 IPv4 addresses, not " + p);
        }
        for (long ip = a; ip <= b; ip++) {
          out.add(InetAddress.getByAddress(new byte[] {(byte) (ip >> 24), (byte) (ip >> 16), (byte) (ip >> 8), (byte) ip}));
        }
      } catch (UnknownHostException e) {
        throw new UsageException("--" + option + ": bad address " + p);
      }
    }
    return out;
  }

  private static long ipv4(byte[] a) {
    long v = 0;
    for (byte b : a) {
      v = (v << 8) | (b & 0xff);
    }
    return v;
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");

  /** {@code 50ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 7d}; a bare number is seconds. */
  static Duration duration(String s) {
    Matcher m = DURATION.matcher(s.trim());
    if (!m.matches()) {
      throw new UsageException("bad duration " + s + " (e.g. 50ms, 10s, 2m, 24h, 7d)");
    }
    double v = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> v;
      case "m" -> v * 60_000;
      case "h" -> v * 3_600_000;
      case "d" -> v * 86_400_000;
      default -> v * 1000;
    };
    return Duration.ofNanos((long) (millis * 1_000_000));
  }

  /** A command-line mistake: printed with the subcommand's usage, exit status 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
