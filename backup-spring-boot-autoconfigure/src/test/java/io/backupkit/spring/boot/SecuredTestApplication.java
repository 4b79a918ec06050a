package io.backupkit.spring.boot;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A host application whose own security chain opens everything ({@code permitAll()}, CSRF off) and has form login:
 * the starter's chain must still guard /backupkit/**. Users: admin (ROLE_BACKUP_ADMIN), clerk (ROLE_USER).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SecuredTestApplication {
    public static final String PASSWORD = "pw-123456";

    @Bean
    @Order(1000)
    SecurityFilterChain hostChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable())
                .formLogin(f -> f.defaultSuccessUrl("/hello", true)).httpBasic(b -> { });
        return http.build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("admin").password("{noop}" + PASSWORD).roles("BACKUP_ADMIN").build(),
                User.withUsername("clerk").password("{noop}" + PASSWORD).roles("USER").build());
    }

    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello() {
            return "hello";
        }
    }
}
