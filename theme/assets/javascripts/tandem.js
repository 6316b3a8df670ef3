// Marketplace filters: see issue 5. Without JavaScript every card stays visible.
