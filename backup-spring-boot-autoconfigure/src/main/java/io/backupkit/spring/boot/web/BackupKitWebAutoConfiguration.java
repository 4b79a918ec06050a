package io.backupkit.spring.boot.web;

import io.backupkit.api.BackupEngine;
import io.backupkit.spring.boot.BackupKitAutoConfiguration;
import io.backupkit.spring.boot.PropertySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/** The REST API under {@code {base-path}/api} and the admin page at {@code {base-path}/}. */
@AutoConfiguration(after = BackupKitAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(BackupEngine.class)
@Conditional(WebLayerCondition.class)
public class BackupKitWebAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(BackupKitWebAutoConfiguration.class);

    @Bean
    public BackupsController backupKitBackupsController(BackupEngine engine, PropertySettings settings,
                                                        org.springframework.context.ApplicationContext context) {
        if (!ClassUtils.isPresent(WebLayerCondition.SECURITY_CLASS, context.getClassLoader())) {
            LOG.warn("BackupKit: the backup API and page at {} are served WITHOUT authentication"
                    + " (backupkit.web.enabled=true, backupkit.web.allow-anonymous=true, no Spring Security): anyone who"
                    + " can reach this application can download, restore and delete backups", settings.basePath());
        }
        return new BackupsController(engine, settings);
    }

    @Bean
    public OperationsController backupKitOperationsController(BackupEngine engine, PropertySettings settings) {
        return new OperationsController(engine, settings);
    }

    @Bean
    public ProblemResponses backupKitProblemResponses() {
        return new ProblemResponses();
    }

    @Bean
    public AdminPage backupKitAdminPage(PropertySettings settings) {
        return new AdminPage(settings.basePath());
    }

    @Bean
    public FilterRegistrationBean<AdminPageHeaders> backupKitPageHeaders(PropertySettings settings) {
        FilterRegistrationBean<AdminPageHeaders> r = new FilterRegistrationBean<>(new AdminPageHeaders());
        r.addUrlPatterns(settings.basePath() + "/*", settings.basePath());
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
        return r;
    }
}
