package org.vtpcm.lab;

import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.category.ScatterRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.BoxAndWhiskerCalculator;
import org.jfree.data.statistics.BoxAndWhiskerItem;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.statistics.DefaultMultiValueCategoryDataset;

/**
 * The totals figure: total migration time and downtime per variant, each a box plot (quartiles,
 * median, whiskers at 1.5 IQR) with every counted run drawn as a dot over it, the median written above.
 */
final class TotalsChart {
    private TotalsChart() {
    }

    static JFreeChart create(String title, String subtitle, List<MigrationSample> samples) {
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("variant"));
        plot.setGap(18);
        plot.add(panel(samples, "total migration time (ms)", s -> s.totalMillis() < 0 ? Double.NaN : s.totalMillis()), 1);
        plot.add(panel(samples, "downtime (ms)", MigrationSample::downtimeMillis), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.addSubtitle(new TextTitle(subtitle));
        ChartStyle.apply(chart);
        for (Object subplot : plot.getSubplots()) {
            style((CategoryPlot) subplot);
        }
        return chart;
    }

    /** One measure: a box per variant (dataset 0) and the runs as dots (dataset 1, drawn on top). */
    private static CategoryPlot panel(List<MigrationSample> samples, String axisLabel, ToDoubleFunction<MigrationSample> measure) {
        DefaultBoxAndWhiskerCategoryDataset boxes = new DefaultBoxAndWhiskerCategoryDataset();
        DefaultMultiValueCategoryDataset dots = new DefaultMultiValueCategoryDataset();
        CategoryPlot panel = new CategoryPlot();
        for (OverheadVariant variant : OverheadVariant.values()) {
            List<Double> values = samples.stream().filter(s -> s.variant() == variant && s.round() > 0 && s.ok()).mapToDouble(measure)
                    .filter(v -> !Double.isNaN(v)).boxed().toList();
            if (values.isEmpty()) {
                continue;
            }
            boxes.add(withoutOutliers(BoxAndWhiskerCalculator.calculateBoxAndWhiskerStatistics(values)), "runs", variant.key());
            dots.add(values, "each run", variant.key());
            Distribution d = Distribution.of(values.stream().mapToDouble(Double::doubleValue).toArray());
            CategoryTextAnnotation median = new CategoryTextAnnotation(String.format(Locale.ROOT, "median %.0f (n=%d)", d.median(), d.runs()),
                    variant.key(), d.max());
            median.setTextAnchor(TextAnchor.BOTTOM_CENTER);
            median.setFont(ChartStyle.font(Font.PLAIN, 11));
            panel.addAnnotation(median);
        }
        NumberAxis axis = new NumberAxis(axisLabel);
        axis.setAutoRangeIncludesZero(true);
        axis.setUpperMargin(0.12);
        panel.setRangeAxis(axis);
        panel.setDataset(0, boxes);
        panel.setDataset(1, dots);
        panel.setRenderer(0, new BoxAndWhiskerRenderer());
        panel.setRenderer(1, new ScatterRenderer());
        panel.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        return panel;
    }

    /** The runs beyond the whiskers are dots already; JFreeChart's own outlier circles would only repeat them, oversized. */
    private static BoxAndWhiskerItem withoutOutliers(BoxAndWhiskerItem item) {
        return new BoxAndWhiskerItem(item.getMean(), item.getMedian(), item.getQ1(), item.getQ3(), item.getMinRegularValue(),
                item.getMaxRegularValue(), item.getMinRegularValue(), item.getMaxRegularValue(), List.of());
    }

    /** After the theme (which resets renderers' paints). */
    private static void style(CategoryPlot panel) {
        BoxAndWhiskerRenderer box = (BoxAndWhiskerRenderer) panel.getRenderer(0);
        box.setMeanVisible(false);
        box.setFillBox(true);
        box.setMaximumBarWidth(0.18);
        box.setSeriesPaint(0, new Color(0xaec7e8));
        box.setSeriesOutlinePaint(0, new Color(0x1f77b4));
        box.setUseOutlinePaintForWhiskers(true);
        ScatterRenderer dots = (ScatterRenderer) panel.getRenderer(1);
        dots.setUseSeriesOffset(false);
        dots.setSeriesPaint(0, new Color(0, 0, 0, 140));
        dots.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        dots.setSeriesShapesFilled(0, true);
        dots.setUseFillPaint(false);
    }
}
