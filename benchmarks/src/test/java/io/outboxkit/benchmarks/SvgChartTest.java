package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  static List<Element> polylines(Document document) {
    NodeList nodes = document.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
    List<Element> elements = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      elements.add((Element) nodes.item(i));
    }
    return elements;
  }

  @Test
  void aChartIsWellFormedSvgWithOneLinePerSeries() throws Exception {
    SvgChart chart = new SvgChart("Events delivered <drain> & more", "seconds", "events")
        .add(new SvgChart.Series("outboxkit-table", List.of(new double[] {0, 1}, new double[] {1.5, 10_000},
            new double[] {3, 20_000})))
        .add(new SvgChart.Series("polling \"baseline\"", List.of(new double[] {0, 1}, new double[] {2, 20_000})));

    Document svg = parse(chart.render());

    assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(svg.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(svg.getElementsByTagNameNS("*", "title").item(0).getTextContent())
        .isEqualTo("Events delivered <drain> & more");
    List<Element> lines = polylines(svg);
    assertThat(lines).extracting(line -> line.getAttribute("data-series"))
        .containsExactly("outboxkit-table", "polling \"baseline\"");
    assertThat(lines.get(0).getAttribute("points").split(" ")).hasSize(3);
    assertThat(lines.get(1).getAttribute("points").split(" ")).hasSize(2);
    assertThat(svg.getDocumentElement().getTextContent()).contains("outboxkit-table").contains("seconds")
        .contains("20,000");
  }

  @Test
  void pointsStayInsideThePlotArea() throws Exception {
    SvgChart chart = new SvgChart("t", "x", "y")
        .add(new SvgChart.Series("a", List.of(new double[] {0, 0}, new double[] {7, 13}, new double[] {9, 3})));

    Document svg = parse(chart.render());

    for (String point : polylines(svg).get(0).getAttribute("points").split(" ")) {
      double x = Double.parseDouble(point.split(",")[0]);
      double y = Double.parseDouble(point.split(",")[1]);
      assertThat(x).isBetween(70.0, (double) SvgChart.WIDTH - 190);
      assertThat(y).isBetween(44.0, (double) SvgChart.HEIGHT - 56);
    }
  }

  @Test
  void aLogAxisLeavesOutWhatItCannotShowAndTicksAtPowersOfTen() throws Exception {
    SvgChart chart = new SvgChart("latency", "percentile", "ms").xScale(SvgChart.Scale.LOG)
        .yScale(SvgChart.Scale.LOG).xTicks(ResultCharts.PERCENTILE_TICKS)
        .add(new SvgChart.Series("1,000 events/s", List.of(new double[] {1, 0}, new double[] {2, 4.5},
            new double[] {100, 12}, new double[] {1_000, 250})));

    String text = chart.render();
    Document svg = parse(text);

    assertThat(polylines(svg).get(0).getAttribute("points").split(" ")).as("the zero latency has no place on a log"
        + " axis").hasSize(3);
    assertThat(svg.getDocumentElement().getTextContent()).contains("99.9%").contains("1,000");
    assertThat(SvgChart.ticks(SvgChart.Scale.LOG, new double[] {1, 1000})).extracting(SvgChart.Tick::label)
        .containsExactly("1", "10", "100", "1,000");
  }

  @Test
  void linearTicksAreRoundSteps() {
    assertThat(SvgChart.niceStep(3_700)).isEqualTo(5_000);
    assertThat(SvgChart.niceStep(0.13)).isEqualTo(0.2);
    assertThat(SvgChart.ticks(SvgChart.Scale.LINEAR, new double[] {0, 20_000})).extracting(SvgChart.Tick::label)
        .containsExactly("0", "5,000", "10,000", "15,000", "20,000");
  }

  @Test
  void aChartWithoutPointsIsStillWellFormed() throws Exception {
    Document svg = parse(new SvgChart("empty", "x", "y").add(new SvgChart.Series("none", List.of())).render());

    assertThat(polylines(svg)).hasSize(1);
  }
}
