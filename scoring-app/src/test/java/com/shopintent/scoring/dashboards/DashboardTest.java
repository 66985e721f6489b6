package com.shopintent.scoring.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard's structure, without servers: a fixed uid (links and provisioning keep
 * working), every panel on the {@code DS_PROMETHEUS} data source variable, the customer's three
 * panels with their queries, and the PromQL conventions {@code PrometheusIT} relies on. Whether the
 * queries return data is {@code PrometheusIT}'s question.
 */
class DashboardTest {

    private static final String DATASOURCE_UID = "${" + Dashboards.DATASOURCE_VARIABLE + "}";
    /** Grafana's own variables that the dashboard may use besides its templating list. */
    private static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]]+)]");

    private final JsonNode dashboard = Dashboards.dashboard();
    private final List<JsonNode> panels = Dashboards.panels(dashboard);
    private final List<Dashboards.Query> queries = Dashboards.queries(dashboard);

    @Test
    void shouldHaveAFixedUidATitleTagsAndACurrentSchema() {
        assertThat(dashboard.path("uid").asText()).isEqualTo(Dashboards.DASHBOARD_UID);
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("tags")).isNotEmpty();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        // An id belongs to one Grafana database; a provisioned or imported dashboard must not carry one.
        assertThat(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull()).as("dashboard id").isTrue();
    }

    @Test
    void shouldDeclareThePrometheusDataSourceVariable() {
        JsonNode variable = variable(Dashboards.DATASOURCE_VARIABLE);

        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");
    }

    @Test
    void shouldQueryThroughTheDataSourceVariableInEveryPanelAndTarget() {
        List<String> elsewhere = new ArrayList<>();
        for (JsonNode panel : panels) {
            if (!isPrometheusVariable(panel.path("datasource"))) {
                elsewhere.add(panel.path("title").asText() + ": " + panel.path("datasource"));
            }
            for (JsonNode target : panel.path("targets")) {
                if (target.has("datasource") && !isPrometheusVariable(target.path("datasource"))) {
                    elsewhere.add(panel.path("title").asText() + " " + target.path("refId").asText() + ": " + target.path("datasource"));
                }
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText()) && !isPrometheusVariable(variable.path("datasource"))) {
                elsewhere.add("variable " + variable.path("name").asText() + ": " + variable.path("datasource"));
            }
        }
        assertThat(elsewhere).as("data sources other than %s", DATASOURCE_UID).isEmpty();
    }

    @Test
    void shouldGiveEveryPanelATitleAndAtLeastOneQuery() {
        assertThat(panels).isNotEmpty();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).as("title of panel %s", panel.path("id")).isNotBlank();
            assertThat(panel.path("targets")).as("targets of '%s'", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("'%s' query %s", title, target.path("refId").asText()).isNotBlank();
            }
        }
    }

    @Test
    void shouldGiveEveryPanelAndRowADistinctId() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("id %s of '%s' is unique", panel.path("id"), panel.path("title").asText()).isTrue();
            for (JsonNode inner : panel.path("panels")) {
                assertThat(ids.add(inner.path("id").asInt())).as("id %s of '%s' is unique", inner.path("id"), inner.path("title").asText()).isTrue();
            }
        }
    }

    @Test
    void shouldShowTheCustomersThreePanels() {
        assertThat(exprs()).as("requests per second")
                .anyMatch(expr -> expr.contains("rate(ml_prediction_requests_total"));
        assertThat(exprs()).as("p95 scoring latency")
                .anyMatch(expr -> expr.startsWith("histogram_quantile(0.95,") && expr.contains("ml_prediction_duration_seconds_bucket"));
        assertThat(exprs()).as("p50 scoring latency")
                .anyMatch(expr -> expr.startsWith("histogram_quantile(0.50,") && expr.contains("ml_prediction_duration_seconds_bucket"));
        assertThat(exprs()).as("cache hit %% = hits / requests")
                .anyMatch(expr -> expr.matches(".*ml_cache_hits_total.*\\) / .*ml_cache_requests_total.*"));
    }

    @Test
    void shouldDrawTheLatencyTargetsAsThresholdsOnTheLatencyPanels() {
        List<JsonNode> latencyPanels = panels.stream()
                .filter(panel -> panel.path("targets").toString().contains("_seconds_bucket"))
                .toList();
        assertThat(latencyPanels).hasSize(2);
        for (JsonNode panel : latencyPanels) {
            List<Double> steps = new ArrayList<>();
            panel.path("fieldConfig").path("defaults").path("thresholds").path("steps")
                    .forEach(step -> steps.add(step.path("value").isNull() ? null : step.path("value").asDouble()));
            assertThat(steps).as("thresholds of '%s'", panel.path("title").asText()).contains(0.12, 0.25);
            assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText()).isEqualTo("s");
        }
    }

    @Test
    void shouldRateOverGrafanasRateIntervalOnly() {
        for (String expr : exprs()) {
            Matcher range = RANGE.matcher(expr);
            while (range.find()) {
                assertThat(range.group(1)).as("range of %s", expr).isEqualTo("$__rate_interval");
            }
        }
    }

    @Test
    void shouldUseOnlyDeclaredVariables() {
        Set<String> declared = new HashSet<>(GRAFANA_VARIABLES);
        dashboard.path("templating").path("list").forEach(variable -> declared.add(variable.path("name").asText()));
        for (String expr : exprs()) {
            assertThat(Dashboards.variables(expr)).as("variables of %s", expr).allMatch(declared::contains);
            // Every variable has a value for PrometheusIT, so that it can send every query as Grafana would.
            assertThat(Dashboards.substitute(expr)).doesNotContain("$");
        }
    }

    @Test
    void shouldCutAQueryIntoThePartsThatMustEachReturnData() {
        assertThat(Dashboards.parts("deriv(scoring:lag:sum[10m]) > 0 and scoring:lag:sum > 10000"))
                .containsExactly("deriv(scoring:lag:sum[10m])", "scoring:lag:sum");
        assertThat(Dashboards.parts("(sum(scoring_ready{job=\"a\"}) or vector(0)) < 1"))
                .containsExactly("sum(scoring_ready{job=\"a\"})", "vector(0)");
        assertThat(Dashboards.parts("sum by (job, reason) (increase(x{reason!=\"a\"}[15m])) >= bool 0.5"))
                .containsExactly("sum by (job, reason) (increase(x{reason!=\"a\"}[15m]))");
        assertThat(Dashboards.parts("a unless on (instance) b")).containsExactly("a", "b");
        // A comparison of two series, a label value with an operator's name, a metric name containing one: one part.
        assertThat(Dashboards.parts("errors_total > requests_total")).containsExactly("errors_total > requests_total");
        assertThat(Dashboards.parts("rate(orders_total{status=\"and > 1\"}[1m]) / 2"))
                .containsExactly("rate(orders_total{status=\"and > 1\"}[1m]) / 2");
    }

    @Test
    void shouldRefuseAVariableWithoutATestValue() {
        assertThatThrownBy(() -> Dashboards.substitute("up{cluster=\"$cluster\"}")).hasMessageContaining("$cluster");
    }

    private List<String> exprs() {
        return queries.stream().map(Dashboards.Query::expr).toList();
    }

    private JsonNode variable(String name) {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("no variable " + name + " in the dashboard's templating");
    }

    private static boolean isPrometheusVariable(JsonNode datasource) {
        return "prometheus".equals(datasource.path("type").asText()) && DATASOURCE_UID.equals(datasource.path("uid").asText());
    }
}
