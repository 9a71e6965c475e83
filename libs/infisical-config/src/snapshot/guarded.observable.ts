import { Observable, Subscriber, type Observer, type Subscription } from 'rxjs';

type Callback = ((value: never) => unknown) | null | undefined;

/**
 * An observable whose subscribers cannot hurt the code that emits: a callback that throws, or returns a
 * promise that rejects, is reported through `onSubscriberError` instead of being rethrown by rxjs into the
 * event loop (where it would crash the process). Operators (`pipe`) are plain rxjs: their own callbacks
 * follow rxjs's rules.
 */
export class GuardedObservable<T> extends Observable<T> {
  constructor(
    source: Observable<T>,
    private readonly onSubscriberError: (error: unknown) => void,
  ) {
    super((subscriber) => source.subscribe(subscriber));
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null, ...legacy: Callback[]): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || legacy.length > 0
        ? ({ next: observerOrNext ?? undefined, error: legacy[0] ?? undefined, complete: legacy[1] ?? undefined } as Partial<Observer<T>>)
        : (observerOrNext ?? {});
    return super.subscribe({
      next: (value) => this.guard(observer.next, observer, value),
      error: observer.error ? (error: unknown) => this.guard(observer.error, observer, error) : undefined,
      complete: () => this.guard(observer.complete, observer),
    });
  }

  private guard(callback: ((...values: never[]) => unknown) | undefined, owner: unknown, ...args: unknown[]): void {
    if (!callback) return;
    try {
      const result = (callback as (...values: unknown[]) => unknown).apply(owner, args);
      if (result instanceof Promise) result.catch(this.onSubscriberError);
    } catch (error) {
      this.onSubscriberError(error);
    }
  }
}
