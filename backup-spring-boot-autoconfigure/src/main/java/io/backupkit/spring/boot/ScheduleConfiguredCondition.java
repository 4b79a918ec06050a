package io.backupkit.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code backupkit.schedule.cron} is set to something other than blank. */
class ScheduleConfiguredCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String cron = context.getEnvironment().getProperty("backupkit.schedule.cron");
        return cron == null || cron.isBlank() ? ConditionOutcome.noMatch("backupkit.schedule.cron is not set")
                : ConditionOutcome.match("backupkit.schedule.cron is '" + cron + "'");
    }
}
