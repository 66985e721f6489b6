package com.shopintent.scoring.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of {@code dashboards/} (the Grafana dashboard, the Prometheus rules and configuration) and
 * the PromQL in them as the tests check it: each dashboard query with Grafana's variables given values
 * a Prometheus server evaluates, and any query cut into the parts that must each return data.
 */
public final class Dashboards {

    /** The scrape job of {@code prometheus/prometheus.yml}, which the rules select on. */
    public static final String JOB = "shop-intent-scoring";
    public static final String DASHBOARD_UID = "shop-intent-scoring";
    public static final String DATASOURCE_VARIABLE = "DS_PROMETHEUS";
    public static final Path DIR = dir();

    /**
     * What the dashboard's variables stand for when its queries go to Prometheus directly: Grafana's
     * rate interval (at least four scrapes; the tests scrape every second), this job, every instance.
     */
    private static final Map<String, String> VARIABLE_VALUES = Map.of(
            "__rate_interval", "1m",
            "__interval", "1m",
            "__range", "5m",
            "job", JOB,
            "instance", ".*");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");
    private static final Pattern RULE = Pattern.compile("^\\s*-\\s*(alert|record):", Pattern.MULTILINE);
    private static final List<String> SET_OPERATORS = List.of("and", "or", "unless");
    /** Longest first, so that {@code >=} is not read as {@code >}. */
    private static final List<String> COMPARISONS = List.of("==", "!=", ">=", "<=", ">", "<");

    private Dashboards() {
    }

    public static Path grafanaDashboard() {
        return DIR.resolve("grafana").resolve("shop-intent-scoring.json");
    }

    public static Path rules() {
        return DIR.resolve("prometheus").resolve("rules.yml");
    }

    public static Path prometheusConfig() {
        return DIR.resolve("prometheus").resolve("prometheus.yml");
    }

    /** The dashboard's JSON. */
    public static JsonNode dashboard() {
        try {
            return Json.MAPPER.readTree(grafanaDashboard().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard " + grafanaDashboard(), e);
        }
    }

    /** Every panel that shows data, also those inside collapsed rows; rows themselves are not panels here. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** One query of a panel: where it is, and its expression as written in the dashboard. */
    public record Query(String panel, String refId, String expr) {

        /** The expression as Prometheus gets it from Grafana, with the variables' values of a test. */
        public String promql() {
            return substitute(expr);
        }

        @Override
        public String toString() {
            return "panel '" + panel + "' query " + refId;
        }
    }

    /** Every query of every panel of the dashboard. */
    public static List<Query> queries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        return queries;
    }

    /** The variables an expression uses, {@code $name} or {@code ${name}}. */
    public static List<String> variables(String expr) {
        List<String> names = new ArrayList<>();
        Matcher matcher = VARIABLE.matcher(expr);
        while (matcher.find()) {
            names.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        }
        return names;
    }

    /** The expression with each variable replaced by its test value; fails on a variable that has none. */
    public static String substitute(String expr) {
        Matcher matcher = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = VARIABLE_VALUES.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no test value for the variable $" + name + " in " + expr);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** How many alerting and recording rules {@code rules.yml} declares. */
    public static int declaredRules() {
        try {
            return (int) RULE.matcher(Files.readString(rules(), StandardCharsets.UTF_8)).results().count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + rules(), e);
        }
    }

    /**
     * The parts of an expression that must each return data when the meters they name exist: the operands
     * of {@code and}, {@code or} and {@code unless}, each without a final comparison with a number (so
     * {@code deriv(x[10m]) > 0 and x > 10000} gives {@code deriv(x[10m])} and {@code x}). An alert's
     * condition is usually false, and then returns nothing; its query must not.
     */
    public static List<String> parts(String expr) {
        String e = expr.strip();
        List<String> operands = splitAtSetOperators(e);
        if (operands.size() > 1) {
            List<String> parts = new ArrayList<>();
            operands.forEach(operand -> parts.addAll(parts(withoutMatching(operand))));
            return parts;
        }
        Optional<String> compared = leftOfComparisonWithNumber(e);
        if (compared.isPresent()) {
            return parts(compared.get());
        }
        if (enclosedInParentheses(e)) {
            return parts(e.substring(1, e.length() - 1));
        }
        return List.of(e);
    }

    private static List<String> splitAtSetOperators(String e) {
        List<String> operands = new ArrayList<>();
        int from = 0;
        int depth = 0;
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(e, i);
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (depth == 0 && wordStart(e, i)) {
                for (String operator : SET_OPERATORS) {
                    if (isWord(e, i, operator)) {
                        operands.add(e.substring(from, i).strip());
                        from = i + operator.length();
                        i = from - 1;
                        break;
                    }
                }
            }
        }
        operands.add(e.substring(from).strip());
        return operands;
    }

    /** {@code x} of {@code x > 3}, {@code x >= bool 0.5}; empty when the expression is not such a comparison. */
    private static Optional<String> leftOfComparisonWithNumber(String e) {
        int depth = 0;
        int at = -1;
        String found = null;
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(e, i);
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (depth == 0) {
                for (String operator : COMPARISONS) {
                    if (e.startsWith(operator, i)) {
                        at = i;
                        found = operator;
                        i += operator.length() - 1;
                        break;
                    }
                }
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        String right = e.substring(at + found.length()).strip();
        if (right.startsWith("bool ")) {
            right = right.substring("bool ".length()).strip();
        }
        try {
            Double.parseDouble(right);
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
        return Optional.of(e.substring(0, at).strip());
    }

    /** The operand without a leading {@code on(...)} or {@code ignoring(...)}. */
    private static String withoutMatching(String operand) {
        for (String modifier : List.of("on", "ignoring")) {
            if (isWord(operand, 0, modifier)) {
                String rest = operand.substring(modifier.length()).stripLeading();
                if (rest.startsWith("(")) {
                    return rest.substring(rest.indexOf(')') + 1).strip();
                }
            }
        }
        return operand;
    }

    private static boolean enclosedInParentheses(String e) {
        if (!e.startsWith("(") || !e.endsWith(")")) {
            return false;
        }
        int depth = 0;
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(e, i);
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0 && i < e.length() - 1) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int endOfString(String e, int open) {
        char quote = e.charAt(open);
        for (int i = open + 1; i < e.length(); i++) {
            if (e.charAt(i) == '\\' && quote != '`') {
                i++;
            } else if (e.charAt(i) == quote) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated string in " + e);
    }

    private static boolean wordStart(String e, int i) {
        return i == 0 || !isNameChar(e.charAt(i - 1));
    }

    private static boolean isWord(String e, int i, String word) {
        int end = i + word.length();
        return e.startsWith(word, i) && (end == e.length() || !isNameChar(e.charAt(end)));
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

    /** {@code dashboards/} of the repository, found from the module directory the build runs the tests in, or above. */
    private static Path dir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("dashboards").resolve("prometheus"))) {
                return dir.resolve("dashboards");
            }
        }
        throw new IllegalStateException("no dashboards/prometheus in " + Path.of("").toAbsolutePath() + " or above");
    }
}
