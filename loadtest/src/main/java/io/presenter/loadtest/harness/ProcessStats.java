package io.presenter.loadtest.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** This process's footprint for the report: resident memory now and at its peak, heap, CPU, threads. */
final class ProcessStats {
  private ProcessStats() {}

  /**
   * rssMb, peakRssMb (Linux /proc; -1 elsewhere), heapUsedMb, heapLiveMb (after a full GC: what
   * the clients really hold), cpuSeconds, threads. Forces a GC: call at the end of a run.
   */
  static Map<String, Object> now() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pid", ProcessHandle.current().pid());
    m.put("rssMb", statusMb("VmRSS:"));
    m.put("peakRssMb", statusMb("VmHWM:"));
    Runtime rt = Runtime.getRuntime();
    m.put("heapUsedMb", (rt.totalMemory() - rt.freeMemory()) >> 20);
    System.gc();
    m.put("heapLiveMb", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
    m.put("heapMaxMb", rt.maxMemory() >> 20);
    var os = ManagementFactory.getOperatingSystemMXBean();
    double cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : -1;
    m.put("cpuSeconds", Math.round(cpu * 10) / 10.0);
    m.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    return m;
  }

  private static long statusMb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) >> 10;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
