package io.presenter.loadtest.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds used by this process and by other local processes (from /proc/PID/stat, Linux), so
 * each phase can say where the CPU went: client, gateway, chat server.
 */
final class ProcessCpu {
  /** /proc reports utime and stime in clock ticks; USER_HZ is 100 on every Linux we run on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final List<Long> pids;

  ProcessCpu(List<Long> pids) {
    this.pids = List.copyOf(pids);
  }

  /** CPU seconds so far, keyed "client" (this process) and "pid-N"; -1 where unreadable. */
  Map<String, Double> sample() {
    Map<String, Double> m = new LinkedHashMap<>();
    var os = ManagementFactory.getOperatingSystemMXBean();
    m.put("client", os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : -1.0);
    for (long pid : pids) {
      m.put("pid-" + pid, procSeconds(pid));
    }
    return m;
  }

  /** CPU seconds between two samples. */
  static Map<String, Object> delta(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Object> m = new LinkedHashMap<>();
    before.forEach((k, v) -> m.put(k, v < 0 || after.get(k) < 0 ? -1 : BenchReport.round(after.get(k) - v)));
    return m;
  }

  private static double procSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may hold spaces) start at ") ".
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
