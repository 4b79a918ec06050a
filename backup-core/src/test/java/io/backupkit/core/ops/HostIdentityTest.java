package io.backupkit.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.core.internal.HostIdentity;
import io.backupkit.core.internal.IdTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What lease and intent records rely on to take over from a dead process on this machine, and nowhere else. */
class HostIdentityTest {
    private final HostIdentity here = HostIdentity.local();

    @Test
    void aFinishedProcessOnThisMachineIsProvablyDeadAndARunningOneIsAlive() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            Instant started = child.info().startInstant().orElse(null);
            assertThat(here.aliveHere(here.fingerprint(), child.pid(), started)).isTrue();
            assertThat(here.provablyDead(here.fingerprint(), child.pid(), started)).isFalse();
            // the same pid but recorded with another start time: a reused pid, not the recorded process
            if (started != null) {
                assertThat(here.provablyDead(here.fingerprint(), child.pid(), started.minus(Duration.ofHours(1)))).isTrue();
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(here.provablyDead(here.fingerprint(), child.pid(), null)).isTrue();
        assertThat(here.aliveHere(here.fingerprint(), child.pid(), null)).isFalse();
    }

    @Test
    void aPidMeansNothingOnAnotherMachineOrForThisProcess() throws Exception {
        Process child = new ProcessBuilder("true").start();
        child.waitFor(30, TimeUnit.SECONDS);
        assertThat(here.fingerprint()).as("boot id and pid namespace read on Linux").contains("#");
        assertThat(here.provablyDead(here.fingerprint() + "x", child.pid(), null)).as("another fingerprint").isFalse();
        assertThat(here.provablyDead(here.hostName(), child.pid(), null)).as("a bare host name").isFalse();
        assertThat(here.provablyDead(here.fingerprint(), here.pid(), null)).as("this process").isFalse();
        assertThat(here.aliveHere(here.fingerprint(), here.pid(), null)).as("this process").isFalse();
    }

    @Test
    void idTimeStampsAreUtcToTheSecondAndRoundTrip() {
        Instant t = Instant.parse("2026-03-04T02:01:09.750Z");
        assertThat(IdTime.format(t)).isEqualTo("20260304T020109Z");
        assertThat(IdTime.parse("20260304T020109Z")).contains(Instant.parse("2026-03-04T02:01:09Z"));
        assertThat(IdTime.parse("2026-03-04")).isEmpty();
    }
}
