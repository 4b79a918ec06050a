package io.backupkit.spring.boot.security;

import io.backupkit.spring.boot.web.WebLayerCondition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Boot's default security for the rest of the application (every request authenticated, form login and HTTP
 * Basic; actuator health open, as Boot's management default), registered when the application defines no
 * {@link SecurityFilterChain} of its own. Needed because the starter's own chain would otherwise make Boot's default
 * back off and leave the application's endpoints open.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@Conditional(WebLayerCondition.class)
@ConditionalOnDefaultWebSecurity
public class BackupKitDefaultSecurityAutoConfiguration {

    @Bean
    @Order(SecurityFilterProperties.BASIC_AUTH_ORDER)
    public SecurityFilterChain defaultSecurityFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> {
            if (org.springframework.util.ClassUtils.isPresent(
                    "org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest", getClass().getClassLoader())
                    && org.springframework.util.ClassUtils.isPresent(
                    "org.springframework.boot.health.actuate.endpoint.HealthEndpoint", getClass().getClassLoader())) {
                a.requestMatchers(HealthMatcher.health()).permitAll();
            }
            a.anyRequest().authenticated();
        });
        http.formLogin(Customizer.withDefaults());
        http.httpBasic(Customizer.withDefaults());
        return http.build();
    }

    /** Kept apart so that the actuator classes load only when present. */
    static final class HealthMatcher {
        static org.springframework.security.web.util.matcher.RequestMatcher health() {
            return org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest.to("health");
        }
    }
}
