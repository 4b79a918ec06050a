package io.backupkit.api;

import io.backupkit.api.internal.Require;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The retention policy for each kind of backup, e.g. full backups kept by GFS and safety backups kept 7 days.
 * A type with neither its own policy nor a default is never cleaned up.
 *
 * <p>The types that share a policy are planned together: {@code keepLast 3} with one default policy keeps the three
 * newest database, files and full backups together, not three of each. Safety backups are always planned on
 * their own. With {@code perType} every type is planned on its own, as restic does per host/path group.
 *
 * @param defaultPolicy the policy for types without their own
 * @param byType        policies for particular types
 * @param perType       plan each type separately (count-based rules count per type)
 */
public record RetentionRules(Optional<RetentionPolicy> defaultPolicy, Map<BackupType, RetentionPolicy> byType,
                             boolean perType) {

    public RetentionRules {
        Objects.requireNonNull(defaultPolicy, "defaultPolicy (use Optional.empty() for none)");
        Objects.requireNonNull(byType, "byType");
        byType.forEach((type, policy) -> {
            Objects.requireNonNull(type, "backup type in retention rules");
            Objects.requireNonNull(policy, "retention policy for " + type);
        });
        byType = byType.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(byType));
        if (defaultPolicy.isEmpty() && byType.isEmpty()) {
            throw new IllegalArgumentException("retention rules need a default policy or a policy for at least one backup type");
        }
    }

    /** Rules planned across the types that share a policy. */
    public RetentionRules(Optional<RetentionPolicy> defaultPolicy, Map<BackupType, RetentionPolicy> byType) {
        this(defaultPolicy, byType, false);
    }

    /** These rules with each type planned on its own. */
    public RetentionRules withPerType(boolean separately) {
        return new RetentionRules(defaultPolicy, byType, separately);
    }

    /** The same policy for every type. */
    public static RetentionRules of(RetentionPolicy policy) {
        return new RetentionRules(Optional.of(Objects.requireNonNull(policy, "policy")), Map.of());
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The policy that applies to a type, or empty if its backups are never cleaned up. */
    public Optional<RetentionPolicy> policyFor(BackupType type) {
        RetentionPolicy own = byType.get(type);
        return own != null ? Optional.of(own) : defaultPolicy;
    }

    /**
     * Builds {@link RetentionRules}. Each setting may be given once (a second policy for one type, too: an
     * {@link IllegalStateException}); {@link #build()} fails with a {@link ConfigurationException} when no policy
     * was given at all.
     */
    public static final class Builder {
        private RetentionPolicy defaultPolicy;
        private final EnumMap<BackupType, RetentionPolicy> byType = new EnumMap<>(BackupType.class);
        private Boolean perType;

        private Builder() {
        }

        /** The policy for every type that has no policy of its own. */
        public Builder defaultPolicy(RetentionPolicy policy) {
            Objects.requireNonNull(policy, "default retention policy");
            Require.unset(defaultPolicy, "defaultPolicy");
            defaultPolicy = policy;
            return this;
        }

        /** The policy for one type; a second call for the same type is an error. */
        public Builder policy(BackupType type, RetentionPolicy policy) {
            Objects.requireNonNull(type, "backup type");
            Objects.requireNonNull(policy, "retention policy for " + type);
            Require.putOnce(byType, type, policy, "a retention policy for %s backups was already given");
            return this;
        }

        /** Plan each type separately: count-based rules count per type instead of across the types sharing a policy. */
        public Builder perType(boolean separately) {
            perType = Require.once(perType, separately, "perType");
            return this;
        }

        /**
         * The rules.
         *
         * @throws ConfigurationException when neither a default policy nor a policy for a type was given
         */
        public RetentionRules build() {
            if (defaultPolicy == null && byType.isEmpty()) {
                throw new ConfigurationException("retention rules need a default policy or a policy per type: call "
                        + "defaultPolicy(...) or policy(type, ...)");
            }
            return new RetentionRules(Optional.ofNullable(defaultPolicy), byType, perType != null && perType);
        }
    }
}
