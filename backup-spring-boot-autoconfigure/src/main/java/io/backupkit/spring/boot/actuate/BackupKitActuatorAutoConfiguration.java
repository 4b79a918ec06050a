package io.backupkit.spring.boot.actuate;

import io.backupkit.api.BackupEngine;
import io.backupkit.spring.boot.BackupKitAutoConfiguration;
import io.backupkit.spring.boot.PropertySettings;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Actuator health component {@code backupkit}, endpoint {@code backups}, and Micrometer meters {@code backupkit.*}. */
@AutoConfiguration(after = BackupKitAutoConfiguration.class)
@ConditionalOnBean(BackupEngine.class)
public class BackupKitActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {
        @Bean(name = "backupkitHealthIndicator")
        @ConditionalOnMissingBean(name = "backupkitHealthIndicator")
        BackupKitHealthIndicator backupkitHealthIndicator(BackupEngine engine, PropertySettings settings) {
            return new BackupKitHealthIndicator(engine, settings.properties().health().affectsApp(),
                    settings.healthPolicy().maxBackupAge());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint(BackupsEndpoint.class)
        BackupsEndpoint backupKitBackupsEndpoint(BackupEngine engine) {
            return new BackupsEndpoint(engine);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        BackupKitMetrics backupKitMetrics(BackupEngine engine,
                                          @Qualifier(BackupKitAutoConfiguration.CLOCK_BEAN) ObjectProvider<Clock> clock) {
            return new BackupKitMetrics(engine, clock.getIfAvailable(Clock::systemUTC));
        }
    }
}
