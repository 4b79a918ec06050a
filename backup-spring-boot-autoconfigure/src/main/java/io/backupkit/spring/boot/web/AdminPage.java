package io.backupkit.spring.boot.web;

import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the admin page (HTML, CSS, JavaScript in this jar, no CDN) at {@code {base-path}/}. The files live outside
 * {@code META-INF/resources} so that they are served only when the web layer is on.
 */
public class AdminPage implements WebMvcConfigurer {
    static final String LOCATION = "classpath:/io/backupkit/spring/boot/web/page/";
    private final String basePath;

    public AdminPage(String basePath) {
        this.basePath = basePath;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(basePath + "/page/**").addResourceLocations(LOCATION);
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController(basePath, basePath + "/");
        registry.addViewController(basePath + "/").setViewName("forward:" + basePath + "/page/index.html");
    }
}
