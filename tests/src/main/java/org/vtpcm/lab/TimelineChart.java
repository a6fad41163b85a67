package org.vtpcm.lab;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * The timeline figure: each {@link TimelineRow} as horizontal bars on one milliseconds axis, the
 * first row at the top, its life-cycle marks as black lines across it.
 */
final class TimelineChart {
    private static final double BAR_HALF_HEIGHT = 0.3;
    private static final double MARK_HALF_HEIGHT = 0.4;

    private TimelineChart() {
    }

    static JFreeChart create(String title, String subtitle, List<TimelineRow> rows) {
        int n = rows.size();
        String[] labels = new String[n];
        Map<String, XYIntervalSeries> series = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            TimelineRow row = rows.get(i);
            int y = n - 1 - i;
            labels[y] = row.label();
            for (TimelineRow.Segment segment : row.segments()) {
                series.computeIfAbsent(segment.name(), XYIntervalSeries::new).add(y, y - BAR_HALF_HEIGHT, y + BAR_HALF_HEIGHT,
                        segment.startMs(), segment.startMs(), segment.endMs());
            }
        }
        XYIntervalSeriesCollection dataset = new XYIntervalSeriesCollection();
        series.values().forEach(dataset::addSeries);

        SymbolAxis rowAxis = new SymbolAxis(null, labels);
        rowAxis.setGridBandsVisible(false);
        rowAxis.setRange(-0.7, n - 0.3);
        NumberAxis millisAxis = new NumberAxis("milliseconds from the request (the bench's POST to the engine, or libvirt's migrate call)");
        double end = rows.stream().mapToDouble(TimelineRow::endMs).max().orElse(1);
        millisAxis.setRange(0, end * 1.04);
        XYBarRenderer renderer = new XYBarRenderer();
        renderer.setUseYInterval(true);
        XYPlot plot = new XYPlot(dataset, rowAxis, millisAxis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.addSubtitle(new TextTitle(subtitle));
        ChartStyle.apply(chart);
        plot.setDomainGridlinesVisible(false);
        renderer.setDrawBarOutline(true);
        renderer.setDefaultOutlinePaint(Color.WHITE);
        int colour = 0;
        int index = 0;
        for (String name : series.keySet()) {
            renderer.setSeriesPaint(index++, paintOf(name, colour));
            if (!isBaselineSegment(name)) {
                colour++;
            }
        }
        for (int i = 0; i < n; i++) {
            int y = n - 1 - i;
            for (TimelineRow.Mark mark : rows.get(i).marks()) {
                plot.addAnnotation(new XYLineAnnotation(y - MARK_HALF_HEIGHT, mark.atMs(), y + MARK_HALF_HEIGHT, mark.atMs(),
                        new BasicStroke(2f), Color.BLACK));
                XYTextAnnotation text = new XYTextAnnotation(String.format(Locale.ROOT, " %s %.0f ", mark.name(), mark.atMs()),
                        y + MARK_HALF_HEIGHT, mark.atMs());
                text.setFont(ChartStyle.font(Font.PLAIN, 11));
                // the pause is short next to the axis: the two labels point away from each other
                text.setTextAnchor(mark.name().equals(TimelineRow.SUSPENDED) ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
                plot.addAnnotation(text);
            }
        }
        return chart;
    }

    private static boolean isBaselineSegment(String name) {
        return name.equals(TimelineRow.CALL_TO_SUSPENDED) || name.equals(TimelineRow.SUSPENDED_TO_RESUMED)
                || name.equals(TimelineRow.RESUMED_TO_RETURNED) || name.equals(TimelineRow.CALL);
    }

    private static Paint paintOf(String name, int colour) {
        return switch (name) {
            case TimelineRow.CALL_TO_SUSPENDED, TimelineRow.CALL -> ChartStyle.GUEST_RUNS;
            case TimelineRow.SUSPENDED_TO_RESUMED -> ChartStyle.PAUSE;
            case TimelineRow.RESUMED_TO_RETURNED -> ChartStyle.AFTER_RESUME;
            default -> ChartStyle.PALETTE[colour % ChartStyle.PALETTE.length];
        };
    }
}
