package io.presenter.launcher;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one subcommand; unknown or repeated names are errors. */
final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final boolean help;

  Args(String[] args, int from, Set<String> allowed) {
    boolean wantsHelp = false;
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        wantsHelp = true;
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

  /** A command-line mistake: printed with the subcommand's usage, exit status 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
