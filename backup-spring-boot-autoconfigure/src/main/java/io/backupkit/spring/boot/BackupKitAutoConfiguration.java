package io.backupkit.spring.boot;

import io.backupkit.api.BackupEngine;
import io.backupkit.api.BackupListener;
import io.backupkit.api.ConfigurationException;
import io.backupkit.api.spi.DatabaseDumper;
import io.backupkit.api.spi.StorageProvider;
import io.backupkit.core.BackupKit;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * One {@link BackupEngine} from the application's {@code DataSource} and the {@code backupkit.*} properties, its events
 * as {@link BackupKitApplicationEvent}s, and the scheduled backup bound to the context's lifecycle. A host's own
 * {@code BackupEngine} bean replaces the engine; a host's {@code StorageProvider} bean replaces {@code backupkit.storage};
 * a host's {@code DatabaseDumper} bean (e.g. one built with its own JdbcDumperOptions) replaces the discovered one; a
 * host's {@code BackupListener} beans receive every event.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "backupkit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BackupKitProperties.class)
public class BackupKitAutoConfiguration {

    /** Name of an optional {@link Clock} bean the engine uses for ids, timestamps and health (tests move it). */
    public static final String CLOCK_BEAN = "backupKitClock";

    @Bean
    @ConditionalOnMissingBean
    public PropertySettings backupKitPropertySettings(BackupKitProperties properties) {
        PropertySettings settings = new PropertySettings(properties);
        settings.validateAll();
        return settings;
    }

    @Bean
    public EventPublishingListener backupKitEventPublisher(ApplicationEventPublisher publisher) {
        return new EventPublishingListener(publisher);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(BackupEngine.class)
    public BackupEngine backupEngine(PropertySettings settings, ObjectProvider<DataSource> dataSource,
                                     ObjectProvider<StorageProvider> storage, ObjectProvider<DatabaseDumper> dumper,
                                     ObjectProvider<BackupListener> listeners,
                                     @Qualifier(CLOCK_BEAN) ObjectProvider<Clock> clock) {
        BackupKit.Builder b = BackupKit.builder();
        StorageProvider hostStorage = storage.getIfUnique();
        if (hostStorage != null) {
            b.storage(hostStorage);
        } else {
            b.storage(settings.storage());
        }
        if (settings.properties().database().enabled()) {
            DataSource ds = dataSource.getIfUnique();
            if (ds != null) {
                b.dataSource(ds);
            }
            dumper.ifUnique(b::dumper);
        }
        settings.files().ifPresent(b::files);
        b.tables(settings.tables()).compression(settings.compression()).healthPolicy(settings.healthPolicy())
                .maxImportBytes(settings.maxUploadBytes());
        settings.parallelism().ifPresent(b::parallelism);
        settings.noProgressTimeout().ifPresent(b::noProgressTimeout);
        listeners.orderedStream().forEach(b::listener);
        Clock c = clock.getIfAvailable();
        if (c != null) {
            b.clock(c);
        }
        try {
            return b.build();
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (ConfigurationException e) {
            throw new InvalidPropertyException("backupkit.storage", e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnBean(BackupEngine.class)
    @Conditional(ScheduleConfiguredCondition.class)
    public ScheduledBackupLifecycle backupKitSchedule(BackupEngine engine, PropertySettings settings) {
        BackupKitProperties.Schedule s = settings.properties().schedule();
        return new ScheduledBackupLifecycle(engine, s.name(), settings.schedule().orElseThrow(),
                settings.scheduledRequest(), s.applyRetention() ? settings.retention() : java.util.Optional.empty(),
                s.catchUp());
    }
}
