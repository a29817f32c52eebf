package com.example.orders.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.github.mustachejava.MustacheException;
import org.junit.jupiter.api.Test;

class ReportTemplateTest {

    private record Row(String name, String value) {
    }

    private record Data(String title, List<Row> rows, Optional<String> note, boolean met, Map<String, String> env) {
    }

    private static final Data DATA = new Data("GetOrder <h2load>", List.of(new Row("8", "1,234"), new Row("32", "**5**")),
            Optional.empty(), false, Map.of("cores", "2"));

    private static String render(String template, Object data) {
        return ReportTemplate.of(new StringReader(template), "test").render(data);
    }

    @Test
    void fillsValuesFromRecordsListsOptionalsAndMaps() {
        String template = """
                ## {{title}} on {{env.cores}} cores

                | in flight | calls/s |
                |---:|---:|
                {{#rows}}
                | {{name}} | {{value}} |
                {{/rows}}

                {{#note}}
                Note: {{.}}
                {{/note}}
                {{^met}}
                **missed**
                {{/met}}
                """;
        assertEquals("""
                ## GetOrder <h2load> on 2 cores

                | in flight | calls/s |
                |---:|---:|
                | 8 | 1,234 |
                | 32 | **5** |

                **missed**
                """, render(template, DATA));
        assertEquals("Note: slow\n", render("{{#note}}\nNote: {{.}}\n{{/note}}\n",
                new Data("", List.of(), Optional.of("slow"), true, Map.of())));
    }

    @Test
    void aNameTheDataDoesNotHaveStopsTheRendering() {
        MustacheException error = assertThrows(MustacheException.class, () -> render("| {{titel}} |\n", DATA));
        assertTrue(error.getMessage().contains("titel"), error.getMessage());
        assertThrows(MustacheException.class, () -> render("{{#rows}}{{nmae}}{{/rows}}", DATA));
        assertThrows(MustacheException.class, () -> render("{{env.memory}}", DATA));
    }
}
