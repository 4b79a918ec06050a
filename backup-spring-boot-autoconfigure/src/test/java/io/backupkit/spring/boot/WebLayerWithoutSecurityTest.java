package io.backupkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.spring.boot.actuate.BackupKitActuatorAutoConfiguration;
import io.backupkit.spring.boot.security.BackupKitDefaultSecurityAutoConfiguration;
import io.backupkit.spring.boot.security.BackupKitSecurityAutoConfiguration;
import io.backupkit.spring.boot.web.BackupKitWebAutoConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** Acceptance 2, second half: without Spring Security the web layer is off unless asked for twice. */
@ExtendWith(OutputCaptureExtension.class)
class WebLayerWithoutSecurityTest {
    @TempDir
    Path tmp;

    private WebApplicationContextRunner runner() throws Exception {
        Path media = Files.createDirectories(tmp.resolve("media"));
        return new WebApplicationContextRunner()
                .withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
                        HttpMessageConvertersAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
                        WebMvcAutoConfiguration.class, BackupKitAutoConfiguration.class, BackupKitWebAutoConfiguration.class,
                        BackupKitDefaultSecurityAutoConfiguration.class, BackupKitSecurityAutoConfiguration.class,
                        BackupKitActuatorAutoConfiguration.class))
                .withPropertyValues("backupkit.storage=" + tmp.resolve("backups").toUri(),
                        "backupkit.files.roots.media=" + media);
    }

    @Test
    void withoutSecurityAndWithoutBothPropertiesEverythingUnderBackupkitIs404() throws Exception {
        for (String[] props : new String[][] {{}, {"backupkit.web.enabled=true"}, {"backupkit.web.allow-anonymous=true"}}) {
            runner().withPropertyValues(props).run(ctx -> {
                assertThat(ctx).hasNotFailed().hasSingleBean(io.backupkit.api.BackupEngine.class);
                MockMvc mvc = MockMvcBuilders.webAppContextSetup(ctx).build();
                assertThat(mvc.perform(get("/backupkit/api/backups")).andReturn().getResponse().getStatus()).isEqualTo(404);
                assertThat(mvc.perform(get("/backupkit/")).andReturn().getResponse().getStatus()).isEqualTo(404);
                assertThat(mvc.perform(get("/backupkit/page/index.html")).andReturn().getResponse().getStatus())
                        .isEqualTo(404);
            });
        }
    }

    @Test
    void withBothPropertiesTheApiIsServedAndAWarningLogged(CapturedOutput output) throws Exception {
        runner().withPropertyValues("backupkit.web.enabled=true", "backupkit.web.allow-anonymous=true").run(ctx -> {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(ctx).build();
            assertThat(mvc.perform(get("/backupkit/api/backups")).andReturn().getResponse().getStatus()).isEqualTo(200);
            assertThat(output).contains("served WITHOUT authentication");
        });
    }
}
