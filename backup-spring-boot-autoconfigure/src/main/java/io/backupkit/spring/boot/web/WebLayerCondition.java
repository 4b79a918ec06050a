package io.backupkit.spring.boot.web;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Whether the REST API and page are served: with Spring Security on the class path unless
 * {@code backupkit.web.enabled=false}; without it only when {@code backupkit.web.enabled=true} and
 * {@code backupkit.web.allow-anonymous=true} (admin operations open to anyone must be asked for twice).
 */
public class WebLayerCondition extends SpringBootCondition {
    static final String SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        String enabled = env.getProperty("backupkit.web.enabled");
        if ("false".equalsIgnoreCase(enabled)) {
            return ConditionOutcome.noMatch("backupkit.web.enabled=false");
        }
        if (ClassUtils.isPresent(SECURITY_CLASS, context.getClassLoader())) {
            return ConditionOutcome.match("Spring Security is present");
        }
        boolean anonymous = env.getProperty("backupkit.web.allow-anonymous", Boolean.class, false);
        if ("true".equalsIgnoreCase(enabled) && anonymous) {
            return ConditionOutcome.match("no Spring Security, but backupkit.web.enabled=true and allow-anonymous=true");
        }
        return ConditionOutcome.noMatch("Spring Security is not on the class path; the BackupKit web layer stays off unless"
                + " backupkit.web.enabled=true and backupkit.web.allow-anonymous=true");
    }
}
