/** A sample shop database, generated from a seed so every demo looks the same. */
export interface Column {
  name: string;
  mysql: string;
  postgres: string;
}

export interface Table {
  name: string;
  columns: Column[];
  primaryKey?: string;
  rows: (string | number | null)[][];
}

/** mulberry32: tiny, fast, and the same sequence on every platform. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Wei', 'Li', 'Fang', 'Min', 'Ana', "O'Brien", 'Zoë', 'Jun', 'Priya', 'Lars', 'Yuki', 'Chen'];
const LAST = ['Zhang', 'Wang', 'Smith', 'Müller', 'García', 'Nakamura', 'Kowalski', 'Okafor', '李', 'Dubois'];
const PRODUCTS = ['kettle', 'teapot', 'rice cooker', 'wok', 'chopsticks (10 pairs)', 'bamboo steamer', 'mug "classic"', 'cleaver', 'tea tin 🍵', 'noodle bowl'];

const col = (name: string, mysql: string, postgres: string): Column => ({ name, mysql, postgres });

/** The shop at "backup number" n: it grows a little with every backup, like a real one. */
export function shopDatabase(n: number, scale = 1): Table[] {
  const rand = prng(20200223 + n);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const base = Date.UTC(2026, 0, 1);
  const ts = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const customers = Math.round((200 + n * 3) * scale);
  const products = PRODUCTS.length;
  const orders = Math.round((500 + n * 10) * scale);

  const customerRows = Array.from({ length: customers }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = rand() < 0.1 ? null : `${first}.${last}${i}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
    return [i + 1, `${first} ${last}`, email, ts(base + i * 3_600_000)];
  });
  const productRows = PRODUCTS.map((name, i) => [i + 1, name, Math.round((5 + rand() * 95) * 100) / 100, rand() < 0.2 ? null : `${name} — made with care\nline two`]);
  const orderRows: (string | number | null)[][] = [];
  const itemRows: (string | number | null)[][] = [];
  for (let i = 0; i < orders; i++) {
    orderRows.push([i + 1, 1 + Math.floor(rand() * customers), pick(['paid', 'shipped', 'delivered', 'refunded']), ts(base + i * 600_000)]);
    const lines = 1 + Math.floor(rand() * 3);
    for (let l = 0; l < lines; l++) itemRows.push([i + 1, 1 + Math.floor(rand() * products), 1 + Math.floor(rand() * 4)]);
  }
  return [
    {
      name: 'customers',
      primaryKey: 'id',
      columns: [
        col('id', 'int NOT NULL', 'integer NOT NULL'),
        col('name', 'varchar(100) NOT NULL', 'character varying(100) NOT NULL'),
        col('email', 'varchar(200) DEFAULT NULL', 'character varying(200)'),
        col('created_at', 'datetime NOT NULL', 'timestamp without time zone NOT NULL'),
      ],
      rows: customerRows,
    },
    {
      name: 'products',
      primaryKey: 'id',
      columns: [col('id', 'int NOT NULL', 'integer NOT NULL'), col('name', 'varchar(100) NOT NULL', 'character varying(100) NOT NULL'), col('price', 'decimal(10,2) NOT NULL', 'numeric(10,2) NOT NULL'), col('description', 'text', 'text')],
      rows: productRows,
    },
    {
      name: 'orders',
      primaryKey: 'id',
      columns: [
        col('id', 'int NOT NULL', 'integer NOT NULL'),
        col('customer_id', 'int NOT NULL', 'integer NOT NULL'),
        col('status', 'varchar(20) NOT NULL', 'character varying(20) NOT NULL'),
        col('created_at', 'datetime NOT NULL', 'timestamp without time zone NOT NULL'),
      ],
      rows: orderRows,
    },
    {
      // No primary key on purpose: real schemas have such tables and checks must cope.
      name: 'order_items',
      columns: [col('order_id', 'int NOT NULL', 'integer NOT NULL'), col('product_id', 'int NOT NULL', 'integer NOT NULL'), col('quantity', 'int NOT NULL', 'integer NOT NULL')],
      rows: itemRows,
    },
  ];
}
