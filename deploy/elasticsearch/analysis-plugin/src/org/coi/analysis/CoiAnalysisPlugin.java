package org.coi.analysis;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * Stand-in for the analysis-common module, which the integ-test distribution of Elasticsearch leaves out.
 * It registers, under the names the full distribution uses, only what index_config/ needs: the five language
 * analyzers (Lucene's, with their default stop words) and the porter_stem and asciifolding token filters.
 * A full Elasticsearch (Docker image, Elastic Cloud) has these built in and does not need this plugin.
 */
public class CoiAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of(
            "english", analyzer("english", EnglishAnalyzer::new),
            "arabic", analyzer("arabic", ArabicAnalyzer::new),
            "dutch", analyzer("dutch", DutchAnalyzer::new),
            "french", analyzer("french", FrenchAnalyzer::new),
            "german", analyzer("german", GermanAnalyzer::new));
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "porter_stem", filter("porter_stem", PorterStemFilter::new),
            "asciifolding", filter("asciifolding", ASCIIFoldingFilter::new));
    }

    private static AnalysisProvider<AnalyzerProvider<? extends Analyzer>> analyzer(String name, Supplier<Analyzer> make) {
        return (indexSettings, environment, instanceName, settings) -> {
            Analyzer analyzer = make.get();
            return new AbstractIndexAnalyzerProvider<Analyzer>(instanceName) {
                @Override
                public Analyzer get() {
                    return analyzer;
                }
            };
        };
    }

    private static AnalysisProvider<TokenFilterFactory> filter(String name, Function<TokenStream, TokenStream> make) {
        return (indexSettings, environment, instanceName, settings) -> new TokenFilterFactory() {
            @Override
            public String name() {
                return instanceName;
            }

            @Override
            public TokenStream create(TokenStream input) {
                return make.apply(input);
            }

            @Override
            public TokenStream normalize(TokenStream input) {
                // Folding applies to keyword normalisation and prefix terms too; stemming does not.
                return name.equals("asciifolding") ? make.apply(input) : input;
            }
        };
    }
}
