"""What to order: daily demand forecasts per product (`demand`), from the books' sales history (`history`) with
India's and Nepal's festivals (`festivals`), and reorder points with safety stock (`reorder_plan`).
`erp_core.reorder` puts them together for a shop; `bot forecast` runs them on a CSV without a database."""
