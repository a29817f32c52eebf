package com.example.orders.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.MissingWrapper;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import com.github.mustachejava.util.Wrapper;

/**
 * A Mustache template of Markdown, filled from an object's record components, methods and map keys:
 * {@code {{name}}} is a value ({@code {{env.cores}}} a key of a map), {@code {{#name}}...{{/name}}} is
 * written once for each item of a list, or once when the value is true or a present {@code Optional}
 * (whose names it then reads first), {@code {{^name}}...{{/name}}} when it is false, empty or absent, and
 * {@code {{.}}} is the item itself. A line that holds only a section tag leaves no blank line. Nothing is
 * escaped (Mustache escapes HTML by default), and a name the data does not have stops the rendering
 * instead of leaving a blank: a misspelt name in the template must not pass unseen.
 */
final class ReportTemplate {

    private final Mustache mustache;

    private ReportTemplate(Mustache mustache) {
        this.mustache = mustache;
    }

    /** The template in the class path resource NAME. */
    static ReportTemplate resource(String name) {
        InputStream in = ReportTemplate.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("no resource " + name);
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return of(reader, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template READER holds; NAME names it in errors. */
    static ReportTemplate of(Reader reader, String name) {
        DefaultMustacheFactory factory = new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        factory.setObjectHandler(new ReflectionObjectHandler() {
            @Override
            public Wrapper find(String name, List<Object> scopes) {
                Wrapper wrapper = super.find(name, scopes);
                if (wrapper instanceof MissingWrapper) {
                    throw new MustacheException("the report's data has no " + name);
                }
                return wrapper;
            }
        });
        return new ReportTemplate(factory.compile(reader, name));
    }

    String render(Object data) {
        StringWriter out = new StringWriter();
        mustache.execute(out, data);
        return out.toString();
    }
}
