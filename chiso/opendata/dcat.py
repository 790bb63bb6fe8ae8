"""The catalogue as DCAT-AP 3 (W3C DCAT 3): ``/catalog.ttl`` (Turtle) and ``/catalog.jsonld`` (JSON-LD).

Built with rdflib from ``opendata.catalogue`` only (published figures), so a harvester reads what the
"Dữ liệu mở" pages list. Every URI is absolute, from the request's host (``request.build_absolute_uri``).
The graph conforms to the official DCAT-AP 3.0.0 SHACL shapes (``shapes/``, checked by
``tests/opendata/test_dcat.py`` with pySHACL, no inference): so that ``sh:class`` constraints hold without
fetching vocabularies, every vocabulary term we cite (formats, media types, frequencies, licence, languages,
EU data themes) is typed in the graph itself.

Themes: the pillars as a ``skos:ConceptScheme`` of this catalogue, and the EU data themes they map to
(CQS → GOVE, KTS → ECON, XHS → SOCI).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from chiso import conf
from chiso.opendata import catalogue
from chiso.opendata.catalogue import Dataset, Distribution

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT3 = Namespace(str(DCAT))  # DCAT 3 terms rdflib's DCAT (version 2) does not list: DatasetSeries, inSeries
EU = "http://publications.europa.eu/resource/authority/"
FILE_TYPE = Namespace(EU + "file-type/")
DATA_THEME = Namespace(EU + "data-theme/")
LANGUAGE = Namespace(EU + "language/")
IANA = "https://www.iana.org/assignments/media-types/"
# pillar -> (EU data theme, its English label)
EU_THEMES = {"CQS": ("GOVE", "Government and public sector"), "KTS": ("ECON", "Economy and finance"),
             "XHS": ("SOCI", "Population and society")}
CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "skos": str(SKOS), "vcard": str(VCARD),
           "xsd": str(XSD), "rdf": str(RDF)}

Absolute = Callable[[str], str]


def _dt(value: datetime) -> Literal:
    """An xsd:dateTime in UTC, to the second."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _d(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _both(graph: Graph, node: URIRef | BNode, predicate: URIRef, vi: str, en: str) -> None:
    graph.add((node, predicate, Literal(vi, lang="vi")))
    graph.add((node, predicate, Literal(en, lang="en")))


class _Builder:
    def __init__(self, absolute: Absolute) -> None:
        self.abs = absolute
        self.graph = Graph()
        for prefix, uri in CONTEXT.items():
            self.graph.bind(prefix, uri)
        self.home = absolute(catalogue.PREFIX)
        self.typed: set[tuple[URIRef, URIRef]] = set()

    def uri(self, fragment: str) -> URIRef:
        return URIRef(f"{self.home}#{fragment}")

    def term(self, uri: str, kind: URIRef) -> URIRef:
        """A vocabulary term, typed once so that the shapes' ``sh:class`` holds without the vocabulary."""
        node = URIRef(uri)
        if (node, kind) not in self.typed:
            self.graph.add((node, RDF.type, kind))
            self.typed.add((node, kind))
        return node

    def link(self, path: str) -> URIRef:
        """A URL the DCAT-AP 3.0.0 shapes want of class rdfs:Resource (access, download and endpoint URLs):
        true of every IRI, stated because the validation runs without RDFS inference."""
        return self.term(self.abs(path), RDFS.Resource)

    def document(self, path: str) -> URIRef:
        return self.term(self.abs(path), FOAF.Document)

    def build(self) -> Graph:
        g = self.graph
        found = catalogue.datasets()
        publisher = catalogue.publisher()
        terms = catalogue.licence()
        self.agent = self.uri("publisher")
        g.add((self.agent, RDF.type, FOAF.Agent))
        g.add((self.agent, RDF.type, FOAF.Organization))
        _both(g, self.agent, FOAF.name, publisher.name_vi, publisher.name_en)
        if publisher.url:
            g.add((self.agent, FOAF.homepage, self.term(publisher.url, FOAF.Document)))
        self.contact = self.uri("contact")
        g.add((self.contact, RDF.type, VCARD.Kind))
        g.add((self.contact, RDF.type, VCARD.Organization))
        g.add((self.contact, VCARD.fn, Literal(publisher.name_vi, lang="vi")))
        if publisher.email:
            g.add((self.contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}")))
        self.licence = self.term(terms.uri, DCTERMS.LicenseDocument) if terms.uri else self.uri("licence")
        g.add((self.licence, RDF.type, DCTERMS.LicenseDocument))
        g.add((self.licence, DCTERMS.title, Literal(terms.title)))
        if terms.text:
            g.add((self.licence, DCTERMS.description, Literal(terms.text, lang="vi")))

        cat = self.uri("catalog")
        g.add((cat, RDF.type, DCAT.Catalog))
        _both(g, cat, DCTERMS.title, "Danh mục dữ liệu mở chuyển đổi số Đà Nẵng",
              "Đà Nẵng digital transformation open data catalogue")
        _both(g, cat, DCTERMS.description,
              "Các chỉ tiêu chuyển đổi số của thành phố, phường, xã và tổ dân phố: chỉ số liệu đã được duyệt "
              "và công bố, mỗi chỉ tiêu một chuỗi, mỗi năm một tập dữ liệu (CSV, JSON, XLSX).",
              "Digital transformation indicators of the city, its wards, communes and residential groups: "
              "approved and published figures only, one series per indicator, one dataset per year "
              "(CSV, JSON, XLSX).")
        g.add((cat, DCTERMS.publisher, self.agent))
        g.add((cat, FOAF.homepage, self.document(catalogue.PREFIX)))
        g.add((cat, DCTERMS.license, self.licence))
        for code in ("VIE", "ENG"):
            g.add((cat, DCTERMS.language, self.term(LANGUAGE[code], DCTERMS.LinguisticSystem)))
        if found:
            g.add((cat, DCTERMS.issued, _d(min(d.issued for d in found))))
            g.add((cat, DCTERMS.modified, _dt(max(d.modified for d in found))))
        self._themes(cat)
        for service in self._services(found):
            g.add((cat, DCAT.service, service))
        for s in catalogue.series():
            self._series(s)
        for d in found:
            g.add((cat, DCAT.dataset, self._dataset(d)))
        return g

    def _themes(self, cat: URIRef) -> None:
        g = self.graph
        scheme = self.uri("pillars")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        _both(g, scheme, DCTERMS.title, "Trụ cột chuyển đổi số", "Pillars of digital transformation")
        g.add((cat, DCAT.themeTaxonomy, scheme))
        eu = self.term(EU + "data-theme", SKOS.ConceptScheme)
        g.add((eu, DCTERMS.title, Literal("Data theme", lang="en")))
        g.add((cat, DCAT.themeTaxonomy, eu))
        from chiso.indicators.models import Pillar

        for pillar in Pillar.objects.all():
            concept = self.uri(f"pillar-{pillar.code.lower()}")
            g.add((concept, RDF.type, SKOS.Concept))
            _both(g, concept, SKOS.prefLabel, pillar.name_vi, pillar.name_en)
            g.add((concept, SKOS.notation, Literal(pillar.code)))
            g.add((concept, SKOS.inScheme, scheme))
            g.add((concept, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, concept))
            if pillar.code in EU_THEMES:
                code, label = EU_THEMES[pillar.code]
                theme = self.term(DATA_THEME[code], SKOS.Concept)
                g.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
                g.add((theme, SKOS.inScheme, eu))
                g.add((concept, SKOS.closeMatch, theme))

    def _services(self, found: list[Dataset]) -> list[URIRef]:
        g = self.graph
        services = []
        for fragment, path, vi, en in (
                ("ckan-api", "/api/3/action/", "API CKAN của danh mục dữ liệu mở",
                 "CKAN API of the open data catalogue"),
                ("api-v1", "/api/v1/", "API chiso (phiên bản 1)", "chiso API (version 1)")):
            service = self.uri(fragment)
            g.add((service, RDF.type, DCAT.DataService))
            _both(g, service, DCTERMS.title, vi, en)
            g.add((service, DCAT.endpointURL, self.link(path)))
            g.add((service, DCTERMS.publisher, self.agent))
            g.add((service, DCAT.contactPoint, self.contact))
            g.add((service, DCTERMS.license, self.licence))
            for d in found:
                g.add((service, DCAT.servesDataset, self.uri_of(d)))
            services.append(service)
        return services

    def uri_of(self, d: Dataset) -> URIRef:
        return URIRef(self.abs(d.landing_page) + "#dataset")

    def _series(self, s: catalogue.Series) -> None:
        g = self.graph
        node = self.uri(f"series-{s.id}")
        g.add((node, RDF.type, DCAT3.DatasetSeries))
        _both(g, node, DCTERMS.title, s.title_vi, s.title_en)
        _both(g, node, DCTERMS.description, s.description_vi, s.description_en)
        g.add((node, DCTERMS.publisher, self.agent))
        g.add((node, DCAT.contactPoint, self.contact))
        g.add((node, DCTERMS.modified, _dt(s.modified)))

    def _dataset(self, d: Dataset) -> URIRef:
        g = self.graph
        node = self.uri_of(d)
        g.add((node, RDF.type, DCAT.Dataset))
        _both(g, node, DCTERMS.title, d.title_vi, d.title_en)
        vi, en = d.description_vi, d.description_en
        if d.illustrative:
            vi += " Có số liệu minh họa (không phải số liệu thật)."
            en += " Includes illustrative (made-up) figures."
        _both(g, node, DCTERMS.description, vi, en)
        g.add((node, DCTERMS.identifier, Literal(d.id)))
        for theme in d.themes:
            g.add((node, DCAT.theme, self.uri(f"pillar-{theme.code.lower()}")))
            if theme.code in EU_THEMES:
                g.add((node, DCAT.theme, URIRef(DATA_THEME[EU_THEMES[theme.code][0]])))
        for keyword in d.keywords:
            g.add((node, DCAT.keyword, Literal(keyword, lang="vi")))
        period = BNode(f"period-{d.id}")
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, _d(d.temporal_start)))
        g.add((period, DCAT.endDate, _d(d.temporal_end)))
        g.add((node, DCTERMS.temporal, period))
        place = self.uri(f"spatial-{d.spatial.code}")
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, SKOS.prefLabel, Literal(d.spatial.name, lang="vi")))
        g.add((place, SKOS.notation, Literal(d.spatial.code)))
        g.add((node, DCTERMS.spatial, place))
        g.add((node, DCTERMS.accrualPeriodicity, self.term(d.accrual_periodicity, DCTERMS.Frequency)))
        g.add((node, DCTERMS.issued, _d(d.issued)))
        g.add((node, DCTERMS.modified, _dt(d.modified)))
        g.add((node, DCAT.contactPoint, self.contact))
        g.add((node, DCTERMS.publisher, self.agent))
        g.add((node, DCAT3.inSeries, self.uri(f"series-{d.series_id}")))
        g.add((node, DCAT.landingPage, self.document(d.landing_page)))
        g.add((node, FOAF.page, self.document(d.indicator_page)))
        method = BNode(f"method-{d.id}")
        g.add((method, RDF.type, DCTERMS.ProvenanceStatement))
        _both(g, method, DCTERMS.description, d.method_vi, d.method_en)
        g.add((node, DCTERMS.provenance, method))
        for dist in d.distributions:
            g.add((node, DCAT.distribution, self._distribution(d, dist)))
        return node

    def _distribution(self, d: Dataset, dist: Distribution) -> URIRef:
        g = self.graph
        node = URIRef(self.abs(d.landing_page) + f"#{dist.level}-{dist.extension}")
        g.add((node, RDF.type, DCAT.Distribution))
        _both(g, node, DCTERMS.title, dist.title_vi, dist.title_en)
        g.add((node, DCAT.accessURL, self.link(d.landing_page)))
        g.add((node, DCAT.downloadURL, self.link(dist.download_url)))
        g.add((node, DCTERMS.format, self.term(FILE_TYPE[dist.format], DCTERMS.MediaTypeOrExtent)))
        g.add((node, DCAT.mediaType, self.term(IANA + dist.media_type, DCTERMS.MediaType)))
        g.add((node, DCTERMS.license, self.licence))
        g.add((node, DCTERMS.modified, _dt(dist.modified)))
        if dist.byte_size is not None:
            g.add((node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger)))
        return node


def catalog_graph(absolute: Absolute) -> Graph:
    """The whole catalogue as an RDF graph; ``absolute`` turns a path into an absolute URL."""
    return _Builder(absolute).build()


def _serialized(request: HttpRequest, syntax: str) -> str:
    """The catalogue in ``syntax``, built once per data stamp, host and syntax (``portal.queries.memoised``)."""
    from chiso.portal.queries import memoised

    base = request.build_absolute_uri("/")
    key = "|".join(["opendata-dcat", syntax, base, *(conf.env_str(n) for n in catalogue.SETTINGS_READ)])

    def build() -> str:
        graph = catalog_graph(request.build_absolute_uri)
        if syntax == "json-ld":
            return str(graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
        return str(graph.serialize(format=syntax))
    return memoised(key, build)  # type: ignore[no-any-return]


@require_GET
def catalog_ttl(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_serialized(request, "turtle"), content_type="text/turtle; charset=utf-8")


@require_GET
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_serialized(request, "json-ld"), content_type="application/ld+json; charset=utf-8")
