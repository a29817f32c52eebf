package com.example.orders.client;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code console} block of a Markdown file: each line that starts with {@code "$ "} is a command (a
 * line that ends in a backslash goes on with the next one, as in the shell), and the lines after it,
 * up to the next command, are what it prints.
 */
record ConsoleTranscript(List<Step> steps) {

    private static final String PROMPT = "$ ";

    /** A command, its lines joined as the shell reads them, and its output: whole lines, or empty. */
    record Step(String command, String output) {
    }

    /** The first {@code console} block after the line {@code heading} in {@code markdown}. */
    static ConsoleTranscript after(String heading, String markdown) {
        List<String> lines = markdown.lines().toList();
        int start = lines.indexOf(heading);
        if (start < 0) {
            throw new IllegalArgumentException("no line '" + heading + "'");
        }
        int open = lines.subList(start, lines.size()).indexOf("```console");
        if (open < 0) {
            throw new IllegalArgumentException("no ```console block after '" + heading + "'");
        }
        open += start;
        int close = lines.subList(open + 1, lines.size()).indexOf("```");
        if (close < 0) {
            throw new IllegalArgumentException("the ```console block after '" + heading + "' has no end");
        }
        return parse(lines.subList(open + 1, open + 1 + close));
    }

    static ConsoleTranscript parse(List<String> lines) {
        if (lines.isEmpty() || !lines.getFirst().startsWith(PROMPT)) {
            throw new IllegalArgumentException("a transcript starts with a command: " + lines);
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            StringBuilder command = new StringBuilder(lines.get(i++).substring(PROMPT.length()));
            while (command.toString().endsWith("\\") && i < lines.size()) {
                command.append('\n').append(lines.get(i++));
            }
            StringBuilder output = new StringBuilder();
            while (i < lines.size() && !lines.get(i).startsWith(PROMPT)) {
                output.append(lines.get(i++)).append('\n');
            }
            steps.add(new Step(command.toString(), output.toString()));
        }
        return new ConsoleTranscript(List.copyOf(steps));
    }
}
