from app.store import Store


def load():
    store = Store()
    return store.fetch()


def fast():
    return Store.ping()
