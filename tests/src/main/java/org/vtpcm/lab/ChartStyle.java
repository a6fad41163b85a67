package org.vtpcm.lab;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.TextTitle;

/** The look of the benchmarks' figures: DejaVu Sans, white plots, flat bars; written as PNG. */
final class ChartStyle {
    /** Installed with the build tools (fonts-dejavu-core); Java falls back to its logical SansSerif without it. */
    private static final String FONT = "DejaVu Sans";
    /** Colours that stay apart in print and for the common colour blindnesses (Tableau 10 order, red kept for the pause). */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0xbcbd22), new Color(0x17becf), new Color(0xaec7e8), new Color(0xffbb78),
        new Color(0x98df8a), new Color(0xc5b0d5)};
    static final Color PAUSE = new Color(0xd62728);
    static final Color GUEST_RUNS = new Color(0x9e9e9e);
    static final Color AFTER_RESUME = new Color(0xd0d0d0);

    private ChartStyle() {
    }

    static Font font(int style, int size) {
        return new Font(FONT, style, size);
    }

    static void apply(JFreeChart chart) {
        StandardChartTheme theme = new StandardChartTheme("vtpcm");
        theme.setExtraLargeFont(font(Font.BOLD, 18));
        theme.setLargeFont(font(Font.BOLD, 14));
        theme.setRegularFont(font(Font.PLAIN, 12));
        theme.setSmallFont(font(Font.PLAIN, 11));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xdddddd));
        theme.setRangeGridlinePaint(new Color(0xdddddd));
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.setShadowVisible(false);
        theme.apply(chart);
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof TextTitle subtitle) {
                subtitle.setFont(font(Font.PLAIN, 13));
            }
        }
    }

    static void writePng(JFreeChart chart, Path file, int width, int height) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }
}
