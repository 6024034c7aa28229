// German and English date texts (being written).
