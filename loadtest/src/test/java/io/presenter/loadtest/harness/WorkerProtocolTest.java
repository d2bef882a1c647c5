package io.presenter.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.presenter.loadtest.LoadtestCommand;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** A worker process receives exactly the options the coordinator parsed: every one of them. */
class WorkerProtocolTest {
  @TempDir Path dir;

  /** Two command lines (some options exclude others) that together give every option a value other than its default. */
  private List<String[]> everyOption() throws Exception {
    Files.writeString(dir.resolve("local.json"), """
        {"zookeeper":"127.0.0.1:2181","ca":"/x/ca.pem","tokenKey":"/x/keys.json",
         "gateways":[{"address":"127.0.0.1:8443"},{"address":"127.0.0.1:8444"}]}
        """);
    String[] common = {"--couples", "7", "--devices-per-user", "2", "--ramp", "33.5", "--rate", "2.5", "--size", "100-900",
      "--typing-rate", "9", "--read-every", "3", "--duration", "1500ms", "--grace", "2m", "--reconnect-storm", "12.5@7.25",
      "--tls-resumption", "off", "--idle", "--workers", "3", "--threads", "4", "--sources", "127.0.0.2-127.0.0.4",
      "--out", "relative/report", "--max-p99", "75ms", "--max-errors", "11"};
    String[] direct = {"--gateways", "127.0.0.1:9001,localhost:9002", "--ca", "ca.pem", "--key-file", "/k/keys.json",
      "--gateway-weights", "2,0.5"};
    String[] local = {"--local", dir.toString(), "--zookeeper", "local"};
    return List.of(concat(direct, common), concat(local, common));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void theTestGivesEveryOptionOfTheCommand() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (OptionSpec o : new CommandLine(new LoadtestCommand()).getCommandSpec().options()) {
      if (!o.usageHelp()) {
        declared.add(o.longestName());
      }
    }
    Set<String> given = new HashSet<>();
    everyOption().forEach(args -> Arrays.stream(args).filter(a -> a.startsWith("--")).forEach(given::add));
    assertThat(given).as("a new option must be added to everyOption()").containsAll(declared);
  }

  @Test
  void optionsRoundTripThroughTheWorkerSpecUnchanged() throws Exception {
    for (String[] args : everyOption()) {
      LoadtestOptions parsed = LoadtestCommand.options(args);
      String line = WorkerProtocol.spec(new WorkerProtocol.Spec(2, 5, 2, "run-1", parsed));
      JsonNode json = WorkerProtocol.JSON.readTree(line);
      WorkerProtocol.Spec received = WorkerProtocol.spec(json);

      assertThat(received.options()).as(line).isEqualTo(parsed);
      assertThat(received).isEqualTo(new WorkerProtocol.Spec(2, 5, 2, "run-1", parsed));
      Set<String> components = Arrays.stream(LoadtestOptions.class.getRecordComponents()).map(RecordComponent::getName)
          .collect(Collectors.toSet());
      Set<String> sent = new HashSet<>();
      json.path("options").fieldNames().forEachRemaining(sent::add);
      assertThat(sent).isEqualTo(components);
    }
    LoadtestOptions direct = LoadtestCommand.options(everyOption().get(0));
    assertThat(direct.out()).as("relative paths stay relative").isEqualTo(Path.of("relative/report"));
    assertThat(direct.weighted()).isTrue();
    assertThat(LoadtestCommand.options(everyOption().get(1)).zookeeper()).isEqualTo("127.0.0.1:2181");
  }
}
