import type { Currency } from "../../lib/money.js";
import type { Basket, BasketLine } from "../../drivers/register/index.js";

/**
 * The reference register's little shop: articles with prices in minor units and VAT in basis
 * points (Norwegian rates: 15 % food and drink, 25 % other goods, 0 % newspapers).
 */
export interface Article {
  readonly id: string;
  readonly name: string;
  readonly unitPrice: number;
  readonly vatRate: number;
  readonly unit: string;
  /** Whole years the buyer must be (protocol extension `minimumAge`). */
  readonly minimumAge?: number;
}

export const CATALOGUE: readonly Article[] = [
  { id: "kaffe", name: "Kaffe latte", unitPrice: 4900, vatRate: 1500, unit: "PCS" },
  { id: "bolle", name: "Kanelbolle", unitPrice: 3900, vatRate: 1500, unit: "PCS" },
  { id: "epler", name: "Epler", unitPrice: 3490, vatRate: 1500, unit: "KG" },
  { id: "avis", name: "Avis", unitPrice: 4000, vatRate: 0, unit: "PCS" },
  { id: "pose", name: "Handlenett", unitPrice: 500, vatRate: 2500, unit: "PCS" },
  { id: "kopp", name: "Termokopp", unitPrice: 19900, vatRate: 2500, unit: "PCS" },
  { id: "pils", name: "Pils 0,5 l", unitPrice: 4490, vatRate: 2500, unit: "PCS", minimumAge: 18 },
];

export function findArticle(id: string): Article | undefined {
  return CATALOGUE.find((a) => a.id === id);
}

/**
 * A basket line: the total is unit price × quantity, rounded half up to whole minor units,
 * minus the discount. `quantity` is a decimal string ("2", "0.455").
 */
export function lineFor(article: Article, quantity = "1", discount = 0): BasketLine {
  const [whole = "0", fraction = ""] = quantity.split(".");
  const scale = 10 ** fraction.length;
  const gross = Math.round((article.unitPrice * Number(`${whole}${fraction}`)) / scale);
  const line = {
    id: article.id,
    name: article.name,
    quantity,
    unitPrice: article.unitPrice,
    total: gross - discount,
    vatRate: article.vatRate,
    unit: article.unit,
    ...(article.minimumAge === undefined ? {} : { minimumAge: article.minimumAge }),
  };
  return discount > 0 ? { ...line, discount } : line;
}

export function makeBasket(saleId: string, currency: Currency, lines: readonly BasketLine[]): Basket {
  return { saleId, currency, lines, total: lines.reduce((sum, l) => sum + l.total, 0) };
}

/** The scripted sales' baskets, in turn. */
export function sampleBasket(index: number, saleId: string, currency: Currency): Basket {
  const at = (id: string): Article => findArticle(id) ?? (CATALOGUE[0] as Article);
  const samples: BasketLine[][] = [
    [lineFor(at("kaffe"), "2"), lineFor(at("bolle"))],
    [lineFor(at("epler"), "0.455"), lineFor(at("avis")), lineFor(at("pose"))],
    [lineFor(at("kopp"), "1", 2000), lineFor(at("kaffe"))],
  ];
  return makeBasket(saleId, currency, samples[index % samples.length] ?? []);
}
