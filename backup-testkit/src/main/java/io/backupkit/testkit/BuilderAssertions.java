package io.backupkit.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.ConfigurationException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Assertions for builders that fail fast as Caffeine's do (issue 14): a bad argument is an
 * {@link IllegalArgumentException} from the setter, a setting given twice or two conflicting settings an
 * {@link IllegalStateException} from the second call, and only what needs the whole picture a
 * {@link ConfigurationException} from {@code build()}. Every message must name the setting to change.
 *
 * <pre>{@code
 * BuilderAssertions<RetryPolicy.Builder> retry = BuilderAssertions.of(RetryPolicy::builder);
 * retry.badArgument(b -> b.maxAttempts(0), "maxAttempts");
 * retry.twice(b -> b.maxAttempts(3), "maxAttempts");
 * retry.atBuild(b -> b.maxDelay(Duration.ZERO), RetryPolicy.Builder::build, "maxDelay");
 * }</pre>
 *
 * @param <B> the builder type
 */
public final class BuilderAssertions<B> {
    private final Supplier<B> fresh;

    private BuilderAssertions(Supplier<B> fresh) {
        this.fresh = fresh;
    }

    /** Assertions on builders made by {@code fresh}, one new builder per assertion. */
    public static <B> BuilderAssertions<B> of(Supplier<B> fresh) {
        return new BuilderAssertions<>(fresh);
    }

    /** The setter call refuses its argument at once, naming each of {@code named}. */
    public BuilderAssertions<B> badArgument(Consumer<B> call, String... named) {
        return refused(b -> { }, call, "a bad argument is refused by the setter", IllegalArgumentException.class, named);
    }

    /** Calling the setter a second time is refused, naming each of {@code named}. */
    public BuilderAssertions<B> twice(Consumer<B> call, String... named) {
        return conflict(call, call, named);
    }

    /** {@code second} after {@code first} is refused, naming each of {@code named} (both settings, say). */
    public BuilderAssertions<B> conflict(Consumer<B> first, Consumer<B> second, String... named) {
        return refused(first, second, "the second, conflicting call is refused", IllegalStateException.class, named);
    }

    /**
     * The setters of {@code setup} accept their arguments, and {@code build} (the builder's {@code build()} or
     * {@code start()}) then fails with a {@link ConfigurationException} naming each of {@code named}.
     */
    public BuilderAssertions<B> atBuild(Consumer<B> setup, Consumer<B> build, String... named) {
        return refused(setup, build, "build() checks the whole picture", ConfigurationException.class, named);
    }

    /** On a fresh builder after {@code setup}, {@code call} throws {@code type} with a message naming {@code named}. */
    private BuilderAssertions<B> refused(Consumer<B> setup, Consumer<B> call, String description,
                                         Class<? extends RuntimeException> type, String... named) {
        B builder = fresh.get();
        setup.accept(builder);
        assertThatThrownBy(() -> call.accept(builder)).as(description).isInstanceOf(type).message().contains(named);
        return this;
    }
}
