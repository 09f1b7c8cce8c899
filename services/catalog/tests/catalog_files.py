"""A small import folder with every entity kind, in CSV and JSON, for the catalog's tests."""

from __future__ import annotations

from pathlib import Path

SMALL = {
    "enterprise-companies.csv": """
code,name
SUP,Supplier Ltd
""",
    "company-locations.csv": """
company,code,name
SUP,MAIN,Main warehouse
""",
    "document-types.csv": """
code,name,sales_order
SO,Sales order,true
RET,Return,false
""",
    "channels.csv": """
code,name,active
WEB,Online store,true
""",
    "sites.csv": (
        "code,name,enterprise_company,settings\n"
        'PORTAL,Client Center,SUP,"{""IsNewOrderEnabled"": true, ""NewOrderDocumentType"": ""SO"",'
        ' ""DefaultStore"": ""S1"", ""AvailabilityMax"": 100}"\n'
    ),
    "price-types.csv": """
code,name,position
AGR,Agreement price,10
LIST,List price,20
""",
    "price-lists.csv": """
code,name,from_date,thru_date
PL25,Prices 2025,2025-01-01,
""",
    "customers.json": """
[
  {"code": "C1", "name": "Acme", "agreements": ["SUP"], "servicing_company": "SUP",
   "servicing_location": "MAIN", "default_channel": "WEB", "customer_type": "RETAIL",
   "target_groups": ["VIP"], "price_list": "PL25"},
  {"code": "C2", "name": "Bolt & Co"}
]
""",
    "persons.csv": """
code,name,parent_party
P1,Pat Doe,C1
""",
    "users.csv": """
code,name,person
pat,Pat Doe,P1
robot,Batch user,
""",
    "external-access.csv": """
user,customer,role,days_back_access
pat,C1,L30,30
""",
    "product-groups.csv": """
code,name,parent
ALL,Everything,
FIX,Fixings,ALL
""",
    "products.csv": """
code,name,unit,product_group,active
P-1,Bolt M6,PCS,FIX,true
P-2,Nut M6,PCS,FIX,true
P-3,Old washer,PCS,ALL,false
""",
    "customer-products.csv": """
customer,product_code,from_date,order_multiple,min_in_store,max_in_store
C1,P-1,2025-01-01,6,12,60
""",
    "channel-products.csv": """
channel,product_code,from_date,min_sales_quantity,min_sales_price_per_lot
WEB,P-2,2025-01-01,10,5.00
""",
    "price-entries.csv": """
id,product_code,price_type,price,currency,from_date,thru_date,min_quantity,max_quantity,priority,customer,channel,price_list
E1,P-1,LIST,1.20,EUR,2025-01-01,,,,0,,,
E2,P-1,AGR,1.05,EUR,2025-01-01,,,,0,C1,,
E3,P-1,LIST,0.99,EUR,2025-01-01,,100,,0,,,
E4,P-2,LIST,0.40,EUR,2025-01-01,,,,0,,WEB,PL25
""",
    "line-discounts.json": """
[
  {"id": "D1", "level": 1, "percent": "0.05", "from_date": "2025-01-01", "product_group": "ALL"},
  {"id": "D2", "level": 2, "percent": 0.02, "from_date": "2025-01-01", "customer": "C1"}
]
""",
    "availability.csv": """
store,product_code,enterprise_company,date,quantity
S1,P-1,SUP,2025-01-01,500
""",
    "promotional-packages.json": """
[
  {"id": "PK1", "name": "Starter kit", "currency": "EUR", "from_date": "2025-01-01",
   "lines": [{"product_code": "P-1", "quantity": "10", "unit_price": "1.00"},
             {"product_code": "P-2", "quantity": "10", "discount": "0.10", "discount_mode": "CASCADE"}]}
]
""",
}

SMALL_ROWS = 30


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text.lstrip("\n"))
    return folder
