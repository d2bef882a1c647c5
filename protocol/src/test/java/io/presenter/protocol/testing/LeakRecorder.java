package io.presenter.protocol.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs, before any test loads a Netty buffer class, a leak detector factory whose detectors
 * record every leak report instead of only logging it, so {@link LeakCheck} can fail the test.
 * Registered through META-INF/services; surefire runs tests with paranoid leak detection.
 */
public final class LeakRecorder implements LauncherSessionListener {
  private static final List<String> LEAKS = new ArrayList<>();

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  static synchronized List<String> drain() {
    List<String> copy = new ArrayList<>(LEAKS);
    LEAKS.clear();
    return copy;
  }

  static boolean installed() {
    return ResourceLeakDetectorFactory.instance() instanceof RecordingFactory;
  }

  private static synchronized void record(String leak) {
    LEAKS.add(leak);
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      record(resourceType + " leaked:" + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      record(resourceType + " leaked (no records)");
      super.reportUntracedLeak(resourceType);
    }
  }
}
