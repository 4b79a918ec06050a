package io.backupkit.spring.boot.security;

import io.backupkit.spring.boot.PropertySettings;
import io.backupkit.spring.boot.web.BackupKitWebAutoConfiguration;
import io.backupkit.spring.boot.web.WebLayerCondition;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import static org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.pathPattern;

/**
 * The starter's own {@link SecurityFilterChain} for {@code {base-path}/**} and the {@code backups} actuator endpoint,
 * ordered before the application's chains so that a broad {@code permitAll()} elsewhere cannot open them: every request
 * needs the authority {@code backupkit.web.authority}; state-changing requests from a cookie session need the CSRF
 * token (cookie {@code XSRF-TOKEN}, header {@code X-XSRF-TOKEN}); scripts using HTTP Basic may leave it out.
 */
@AutoConfiguration(after = {BackupKitDefaultSecurityAutoConfiguration.class, BackupKitWebAutoConfiguration.class},
        beforeName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@Conditional(WebLayerCondition.class)
public class BackupKitSecurityAutoConfiguration {
    /** The chain's order: ahead of the application's chains (Boot's default one sits at BASIC_AUTH_ORDER). */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;
    private static final Logger LOG = LoggerFactory.getLogger(BackupKitSecurityAutoConfiguration.class);

    @Bean
    @Order(ORDER)
    public SecurityFilterChain backupKitSecurityFilterChain(HttpSecurity http, PropertySettings settings,
                                                           ObjectProvider<ActuatorEndpointMatcher> actuator) throws Exception {
        String base = settings.basePath();
        List<RequestMatcher> matchers = new ArrayList<>(List.of(pathPattern(base), pathPattern(base + "/**")));
        actuator.ifAvailable(a -> matchers.add(a.matcher()));
        http.securityMatcher(new OrRequestMatcher(matchers));
        if (settings.properties().web().allowAnonymous()) {
            LOG.warn("BackupKit: backupkit.web.allow-anonymous=true: the backup API and page at {} are open to anyone who"
                    + " can reach this application", base);
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        } else {
            String authority = settings.authority();
            http.authorizeHttpRequests(a -> a.anyRequest().hasAuthority(authority));
        }
        ProblemSecurityHandlers handlers = new ProblemSecurityHandlers(base);
        http.httpBasic(b -> b.authenticationEntryPoint(handlers));
        http.exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers));
        http.csrf(c -> c.spa().ignoringRequestMatchers(new BasicAuthScriptMatcher()));
        return http.build();
    }

    /** The actuator {@code backups} endpoint's path, when the actuator is there. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest"})
    static class ActuatorMatcherConfiguration {
        @Bean
        ActuatorEndpointMatcher backupKitActuatorEndpointMatcher() {
            return new ActuatorEndpointMatcher();
        }
    }
}
