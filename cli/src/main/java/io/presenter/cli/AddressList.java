package io.presenter.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.TypeConversionException;

/**
 * Local addresses from a list and/or IPv4 ranges: {@code 127.0.0.1,127.0.0.2}, {@code
 * 127.0.0.1-127.0.0.8}, or both mixed ({@code 127.0.0.1-127.0.0.4,127.0.0.9}); at most 256 a range.
 */
public record AddressList(List<InetAddress> addresses) {
  /** Most addresses one range may name. */
  public static final int MAX_RANGE = 256;

  public AddressList {
    addresses = List.copyOf(addresses);
  }

  /** The picocli converter for every {@link AddressList} option (registered by {@link Cli}). */
  public static AddressList parse(String spec) {
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
        if (from.length != 4 || to.length != 4 || b < a || b - a >= MAX_RANGE) {
          throw new TypeConversionException("a range is FIRST-LAST of at most " + MAX_RANGE + " IPv4 addresses, not " + p);
        }
        for (long ip = a; ip <= b; ip++) {
          out.add(InetAddress.getByAddress(new byte[] {(byte) (ip >> 24), (byte) (ip >> 16), (byte) (ip >> 8), (byte) ip}));
        }
      } catch (UnknownHostException e) {
        throw new TypeConversionException("bad address " + p);
      }
    }
    return new AddressList(out);
  }

  private static long ipv4(byte[] a) {
    long v = 0;
    for (byte b : a) {
      v = (v << 8) | (b & 0xff);
    }
    return v;
  }
}
