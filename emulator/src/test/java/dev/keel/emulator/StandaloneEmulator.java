package dev.keel.emulator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An emulator in its own JVM for {@link MemoryTest}: instant batch stages, no request recording (as
 * {@code bin/keel emulator} runs it), the default storage budget. Prints {@code listening on URL};
 * then each {@code heap} line on stdin is answered with {@code heap used=B stored=B evictions=N}
 * after a full GC; end of input stops it.
 */
public final class StandaloneEmulator {

    private StandaloneEmulator() {}

    public static void main(String[] args) throws Exception {
        var config = EmulatorConfig.builder()
                .batchSpeed(1)
                .batchTimings(new BatchTimings(
                        Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofHours(24)))
                .recordCapacity(0)
                .build();
        try (var emulator = Emulator.start(config);
                var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("listening on " + emulator.baseUrl() + " budget=" + config.storageBudgetBytes());
            System.out.flush();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.strip().equals("heap")) {
                    System.gc();
                    long used = ManagementFactory.getMemoryMXBean()
                            .getHeapMemoryUsage()
                            .getUsed();
                    System.out.println("heap used=" + used + " stored=" + emulator.storedBytes() + " evictions="
                            + emulator.storageEvictions());
                    System.out.flush();
                }
            }
        }
    }
}
