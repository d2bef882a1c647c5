package io.presenter.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line: {@code 50ms}, {@code 1.5s}, {@code 2m}, {@code 24h}, {@code 7d}; a bare number is seconds. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");

  private Durations() {}

  /** The picocli converter for every {@link Duration} option (registered by {@link Cli}). */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new TypeConversionException("bad duration '" + text + "' (e.g. 50ms, 10s, 2m, 24h, 7d)");
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
}
